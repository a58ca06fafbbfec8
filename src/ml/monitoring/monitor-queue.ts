export const MONITOR_QUEUE = 'drift-monitors';

export interface MonitorJobData {
  monitorId: string;
}
