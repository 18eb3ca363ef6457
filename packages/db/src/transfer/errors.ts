/**
 * A backup, restore or move that stopped for a reason the user can act on (a database that is not
 * empty, a missing `pg_dump`, a failed verification). Its message is one or more plain sentences.
 */
export class TransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferError';
  }
}
