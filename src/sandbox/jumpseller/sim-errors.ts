/** A request the simulated store refuses, with the status the real API would use. */
export class SimRequestError extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    message: string,
    readonly errors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'SimRequestError';
  }
}

export function notFound(what: string): SimRequestError {
  return new SimRequestError(404, `${what} not found`);
}
