// Sends a stored file (an issued PDF, an uploaded material) uncached, with a download name that
// survives Chinese: an ASCII fallback plus the RFC 5987 UTF-8 name.
import type { FastifyReply } from 'fastify';

export function sendFile(reply: FastifyReply, file: { bytes: Buffer; type: string; asciiName: string; name: string; disposition?: 'attachment' | 'inline' }) {
  return reply
    .type(file.type)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `${file.disposition ?? 'attachment'}; filename="${file.asciiName}"; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .header('cache-control', 'no-store')
    .send(file.bytes);
}
