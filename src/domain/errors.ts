/** Why a domain rule refused its input; stable strings callers may branch on. */
export type DomainErrorCode = 'invalid_number' | 'invalid_rut_digits' | 'invalid_rut' | 'invalid_discount' | 'invalid_line_amount' | 'invalid_instant' | 'invalid_return';

/**
 * A programming or data error caught by a pure rule (never a transient failure): retrying with the
 * same input cannot succeed, so callers should turn it into a non-retryable failure or a hold.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}
