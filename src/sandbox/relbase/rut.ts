/**
 * RUT checks the simulator applies to customers, as relBase (like the SII) rejects a RUT whose
 * check digit is wrong. Módulo 11: weights 2..7 from the right; 11 → 0, 10 → K.
 */
export function isValidRut(rut: string): boolean {
  const match = /^(\d{1,8})-([\dK])$/.exec(rut.replace(/[.\s]/g, '').toUpperCase());
  if (!match) return false;
  const [, body = '', dv = ''] = match;
  let sum = 0;
  [...body].reverse().forEach((digit, i) => (sum += Number(digit) * ((i % 6) + 2)));
  const r = 11 - (sum % 11);
  return dv === (r === 11 ? '0' : r === 10 ? 'K' : String(r));
}
