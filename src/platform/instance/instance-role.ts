/** Which entry point this process is: the HTTP hub or a headless worker. */
export abstract class InstanceRole {
  abstract readonly role: 'api' | 'worker';
}
