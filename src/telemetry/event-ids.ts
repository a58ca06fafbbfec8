import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
/** Per millisecond: 4 bytes for the counter's start, 6 for the tail. */
const DRAW = 10;

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => hex(byte, 2));

/**
 * UUID v7 ids (RFC 9562) for the events this process publishes: the millisecond, then a counter
 * (rand_a and the top of rand_b, "method 1") that starts at a random point each millisecond, then a
 * random tail drawn once per millisecond. Ids of one generator are strictly increasing. The uuid
 * package draws 16 random bytes and allocates two byte arrays per id; for one id per tool call that
 * was a measurable part of the hub's work, hence this.
 */
export class EventIds {
  private msecs = -1;
  private sequence = 0;
  private prefix = '';
  private tail = '';
  private readonly limit: number;
  /** Random bytes drawn in bulk: one draw per millisecond is often one per event. */
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private drawn = POOL_BYTES;

  /** `counterBits`: the counter's width, 26 (12 bits of rand_a, 14 of rand_b); tests run out of a narrower one. */
  constructor(counterBits = 26) {
    this.limit = 2 ** counterBits;
  }

  next(now = Date.now()): string {
    if (now > this.msecs) this.startMillisecond(now);
    else if (++this.sequence >= this.limit) this.startMillisecond(this.msecs + 1);
    const high = this.sequence >>> 14;
    const low = this.sequence & 0x3fff;
    return `${this.prefix}7${hex(high, 3)}-${hex(0x8000 | low, 4)}-${this.tail}`;
  }

  private startMillisecond(msecs: number): void {
    if (this.drawn + DRAW > POOL_BYTES) {
      randomFillSync(this.pool);
      this.drawn = 0;
    }
    const at = this.drawn;
    this.drawn += DRAW;
    this.msecs = msecs;
    // the counter starts in its lower half, so a busy millisecond rarely runs out of it
    this.sequence = this.pool.readUInt32BE(at) & (this.limit / 2 - 1);
    // 48 bits as two 24-bit halves: a small integer prints to hex far faster than a large double does
    const high = Math.floor(msecs / 0x1000000);
    const time = hex(high, 6) + hex(msecs - high * 0x1000000, 6);
    this.prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-`;
    const pool = this.pool;
    this.tail = BYTE_HEX[pool[at + 4]] + BYTE_HEX[pool[at + 5]] + BYTE_HEX[pool[at + 6]] + BYTE_HEX[pool[at + 7]] + BYTE_HEX[pool[at + 8]] + BYTE_HEX[pool[at + 9]];
  }
}
