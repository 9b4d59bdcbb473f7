import type { BufferCursor } from '@lezer/common';

/** Reads a postfix [type, from, to, size] buffer backwards, as Tree.build consumes it. */
export class Int32BufferCursor implements BufferCursor {
  constructor(private readonly buffer: Int32Array, private index: number) {}

  get id(): number {
    return this.buffer[this.index - 4];
  }

  get start(): number {
    return this.buffer[this.index - 3];
  }

  get end(): number {
    return this.buffer[this.index - 2];
  }

  get size(): number {
    return this.buffer[this.index - 1];
  }

  get pos(): number {
    return this.index;
  }

  next(): void {
    this.index -= 4;
  }

  fork(): BufferCursor {
    return new Int32BufferCursor(this.buffer, this.index);
  }
}
