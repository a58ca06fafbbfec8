import { LineRingBuffer } from './ring-buffer';

describe('LineRingBuffer', () => {
  it('splits chunks into lines and keeps only the newest', () => {
    const buffer = new LineRingBuffer(3);
    buffer.write('one\ntw');
    buffer.write('o\r\nthree\nfour\nfi');
    expect(buffer.tail().map((l) => l.line)).toEqual(['two', 'three', 'four']);
    expect(buffer.dropped).toBe(1);
    expect(buffer.tail(1).map((l) => l.line)).toEqual(['four']);
    buffer.write('ve\n');
    expect(buffer.tail(1).map((l) => l.line)).toEqual(['five']);
  });
});
