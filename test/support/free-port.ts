export { freeLocalPort as freePort } from '../../src/platform/embedded/local-ports';
