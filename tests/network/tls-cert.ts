// A throwaway self-signed certificate (openssl) for a TURN server's TLS listener in tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Writes `key.pem` and `cert.pem` (RSA 2048, valid one day, CN `commonName`) into `dir`. */
export async function writeSelfSignedCert(dir: string, commonName: string): Promise<void> {
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${commonName}`,
    '-keyout',
    `${dir}/key.pem`,
    '-out',
    `${dir}/cert.pem`,
  ]);
}
