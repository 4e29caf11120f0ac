// SPDX-License-Identifier: GPL-3.0-or-later
// HMAC-SHA256 with the key schedule done once: the inner and outer pad states are
// precomputed, so each MAC costs only the message blocks. Built on OpenSSL's EVP.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <array>
#include <initializer_list>
#include <memory>

struct evp_md_ctx_st;

namespace mm {

class HmacSha256 final
{
public:
    static constexpr int DigestSize = 32;
    using Digest = std::array<unsigned char, DigestSize>;

    explicit HmacSha256(QByteArrayView key);
    ~HmacSha256();
    HmacSha256(const HmacSha256 &other);
    HmacSha256 &operator=(const HmacSha256 &other);

    // MAC over the concatenation of the parts, without concatenating them.
    Digest mac(std::initializer_list<QByteArrayView> parts) const;

private:
    struct CtxDeleter
    {
        void operator()(evp_md_ctx_st *ctx) const;
    };
    using Ctx = std::unique_ptr<evp_md_ctx_st, CtxDeleter>;
    Ctx m_inner;
    Ctx m_outer;
};

// Compares two byte strings in time that depends only on their lengths.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace mm
