import { Injectable } from '@nestjs/common';

const key = (server: string, taskId: string) => `${server}\u0000${taskId}`;

/**
 * Which client session created each task of a shared upstream connection: only that session lists,
 * reads, awaits or cancels it, and hears its status notifications.
 */
@Injectable()
export class TaskOwners {
  private readonly owners = new Map<string, string>();
  private readonly bySession = new Map<string, Set<string>>();

  /** Records the task a result created, if it is a CreateTaskResult. */
  recordFrom(server: string, sessionId: string, result: unknown): void {
    const taskId = (result as { task?: { taskId?: unknown } } | undefined)?.task?.taskId;
    if (typeof taskId !== 'string') return;
    this.owners.set(key(server, taskId), sessionId);
    const tasks = this.bySession.get(sessionId) ?? new Set<string>();
    tasks.add(key(server, taskId));
    this.bySession.set(sessionId, tasks);
  }

  ownerOf(server: string, taskId: unknown): string | undefined {
    return typeof taskId === 'string' ? this.owners.get(key(server, taskId)) : undefined;
  }

  forget(sessionId: string): void {
    for (const task of this.bySession.get(sessionId) ?? []) this.owners.delete(task);
    this.bySession.delete(sessionId);
  }
}
