// Refusals the router gives before any route, hook or error handler runs — a path parameter longer
// than it allows (FST_ERR_MAX_PARAM_LENGTH), a broken percent-encoding (FST_ERR_BAD_URL) — leave
// in the same {code, message} form as every other refusal (found by tests/operations/fuzz.test.ts).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.ts';

const MESSAGES: Record<string, string> = {
  FST_ERR_MAX_PARAM_LENGTH: '请求参数无效：编号过长',
  FST_ERR_BAD_URL: '请求参数无效：请求地址格式不正确',
};

export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const refusal = new DomainError('VALIDATION', MESSAGES[error.code] ?? `请求格式无效：${error.message}`);
  void reply.status(refusal.status).send({ code: refusal.code, message: refusal.message });
}
