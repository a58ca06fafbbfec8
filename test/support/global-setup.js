// Names this Jest run, so work every suite would repeat (checking the Python stack) is done once per run.
const { randomUUID } = require('node:crypto');

module.exports = async function globalSetup() {
  process.env.MCP_HUB_TEST_RUN ??= randomUUID();
};
