// libsrtp 3.x API on top of Debian's libsrtp 2.5 — only what mediasoup 3.18 calls.
//
// mediasoup 3.16+ is written against libsrtp 3 (its own fork, fetched by a wrap
// that cannot be downloaded here). Debian bookworm ships libsrtp 2.5, whose
// protect/unprotect functions work in place on `(ctx, buf, int* len)`. 3.x takes
// separate input/output buffers with size_t lengths, where `*out_len` is the
// output capacity on input. These C++ overloads copy into the output buffer
// (memmove: mediasoup unprotects in place), check the capacity the 2.x call
// needs, and call the 2.x function. MKI is never used by mediasoup (index 0).
#pragma once

#ifndef __cplusplus
#error "this libsrtp 3 compatibility header is C++ only"
#endif

#include <srtp2/srtp.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

// Error codes added in libsrtp 3 (same numeric values), used by mediasoup's
// error-string table.
constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

namespace jiefen_srtp_compat
{
	// Copies `in` to `out` and runs the 2.x in-place function on `out`.
	// `extra` is how many bytes the 2.x function may append.
	template<typename Fn>
	inline srtp_err_status_t run(
	  Fn fn, srtp_t ctx, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen, size_t extra)
	{
		if (inLen > static_cast<size_t>(INT_MAX) - extra)
			return srtp_err_status_bad_param;
		if (*outLen < inLen + extra)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, inLen);

		int len                     = static_cast<int>(inLen);
		const srtp_err_status_t err = fn(ctx, out, &len);

		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);

		return err;
	}
} // namespace jiefen_srtp_compat

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t /*mkiIndex*/)
{
	return jiefen_srtp_compat::run(
	  [](srtp_t c, void* b, int* l) { return ::srtp_protect(c, b, l); },
	  ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return jiefen_srtp_compat::run(
	  [](srtp_t c, void* b, int* l) { return ::srtp_unprotect(c, b, l); },
	  ctx, srtp, srtpLen, rtp, rtpLen, 0);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t /*mkiIndex*/)
{
	// SRTCP also appends the 4-byte E-flag/index word.
	return jiefen_srtp_compat::run(
	  [](srtp_t c, void* b, int* l) { return ::srtp_protect_rtcp(c, b, l); },
	  ctx, rtcp, rtcpLen, srtcp, srtcpLen, SRTP_MAX_TRAILER_LEN + 4);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return jiefen_srtp_compat::run(
	  [](srtp_t c, void* b, int* l) { return ::srtp_unprotect_rtcp(c, b, l); },
	  ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0);
}

// Renamed in libsrtp 3.
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
