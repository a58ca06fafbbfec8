import { FSWatcher, watch } from 'node:fs';
import picomatch from 'picomatch';
import { ServerDefinition } from './server-definition';

const DEBOUNCE_MS = 500;
const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**'];

interface Watch {
  key: string;
  watcher: FSWatcher;
  timer?: NodeJS.Timeout;
}

/**
 * dev mode of the servers file: restarts a stdio server when a file under its `dev.cwd` that matches
 * its `dev.watch` globs changes, once per burst of changes (an editor's save writes several times).
 */
export class DevModeWatcher {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly restart: (server: string, file: string) => void,
    private readonly warn: (message: string) => void,
  ) {}

  /** Watches exactly the enabled servers of `definitions` that have dev mode. */
  sync(definitions: ServerDefinition[]): void {
    const wanted = new Map(definitions.filter((d) => d.dev && !d.disabled).map((d) => [d.name, d]));
    for (const [name, current] of this.watches) {
      if (keyOf(wanted.get(name)) !== current.key) this.unwatch(name);
    }
    for (const [name, definition] of wanted) if (!this.watches.has(name)) this.watch(definition);
  }

  close(): void {
    for (const name of [...this.watches.keys()]) this.unwatch(name);
  }

  private watch(definition: ServerDefinition): void {
    const { cwd, watch: globs } = definition.dev!;
    const matches = picomatch(globs, { dot: true, ignore: ALWAYS_IGNORED });
    try {
      const entry: Watch = { key: keyOf(definition)!, watcher: watch(cwd, { recursive: true }) };
      entry.watcher.on('change', (_event, name) => {
        const file = name?.toString();
        if (!file || !matches(file)) return;
        clearTimeout(entry.timer);
        entry.timer = setTimeout(() => this.restart(definition.name, file), DEBOUNCE_MS);
      });
      entry.watcher.on('error', (error) => this.warn(`dev mode of ${definition.name}: watching ${cwd} failed: ${error.message}`));
      this.watches.set(definition.name, entry);
    } catch (error) {
      this.warn(`dev mode of ${definition.name}: cannot watch ${cwd}: ${(error as Error).message}`);
    }
  }

  private unwatch(name: string): void {
    const current = this.watches.get(name);
    if (!current) return;
    clearTimeout(current.timer);
    current.watcher.close();
    this.watches.delete(name);
  }
}

function keyOf(definition: ServerDefinition | undefined): string | undefined {
  return definition?.dev ? JSON.stringify(definition.dev) : undefined;
}
