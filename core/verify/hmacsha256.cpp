// SPDX-License-Identifier: GPL-3.0-or-later
#include "hmacsha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdexcept>

namespace mm {

namespace {
constexpr int BlockSize = 64;

EVP_MD_CTX *newCtx()
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        throw std::bad_alloc();
    return ctx;
}

// Per-thread scratch contexts: copying a precomputed state into a reused context
// avoids an allocation per MAC. The context is reset after each MAC, so between MACs it
// holds no reference into OpenSSL (the fetched digest, its provider): it is freed as its
// thread exits, which may be after OpenSSL's own clean-up at process exit.
struct Scratch
{
    EVP_MD_CTX *ctx = newCtx();
    ~Scratch() { EVP_MD_CTX_free(ctx); }
};
} // namespace

void HmacSha256::CtxDeleter::operator()(evp_md_ctx_st *ctx) const
{
    EVP_MD_CTX_free(ctx);
}

HmacSha256::HmacSha256(QByteArrayView key)
    : m_inner(newCtx())
    , m_outer(newCtx())
{
    std::array<unsigned char, BlockSize> block {};
    if (key.size() > BlockSize) {
        unsigned int len = 0;
        if (!EVP_Digest(key.data(), size_t(key.size()), block.data(), &len, EVP_sha256(), nullptr))
            throw std::runtime_error("SHA-256 unavailable");
    } else {
        std::copy(key.begin(), key.end(), block.begin());
    }
    std::array<unsigned char, BlockSize> ipad {};
    std::array<unsigned char, BlockSize> opad {};
    for (int i = 0; i < BlockSize; ++i) {
        ipad[i] = block[i] ^ 0x36;
        opad[i] = block[i] ^ 0x5c;
    }
    if (!EVP_DigestInit_ex(m_inner.get(), EVP_sha256(), nullptr)
        || !EVP_DigestUpdate(m_inner.get(), ipad.data(), ipad.size())
        || !EVP_DigestInit_ex(m_outer.get(), EVP_sha256(), nullptr)
        || !EVP_DigestUpdate(m_outer.get(), opad.data(), opad.size()))
        throw std::runtime_error("SHA-256 unavailable");
    OPENSSL_cleanse(block.data(), block.size());
    OPENSSL_cleanse(ipad.data(), ipad.size());
    OPENSSL_cleanse(opad.data(), opad.size());
}

HmacSha256::~HmacSha256() = default;

HmacSha256::HmacSha256(const HmacSha256 &other)
    : m_inner(newCtx())
    , m_outer(newCtx())
{
    EVP_MD_CTX_copy_ex(m_inner.get(), other.m_inner.get());
    EVP_MD_CTX_copy_ex(m_outer.get(), other.m_outer.get());
}

HmacSha256 &HmacSha256::operator=(const HmacSha256 &other)
{
    if (this != &other) {
        EVP_MD_CTX_copy_ex(m_inner.get(), other.m_inner.get());
        EVP_MD_CTX_copy_ex(m_outer.get(), other.m_outer.get());
    }
    return *this;
}

HmacSha256::Digest HmacSha256::mac(std::initializer_list<QByteArrayView> parts) const
{
    thread_local Scratch scratch;
    Digest inner {};
    Digest out {};
    unsigned int len = 0;
    bool ok = EVP_MD_CTX_copy_ex(scratch.ctx, m_inner.get());
    for (QByteArrayView part : parts)
        ok = ok && EVP_DigestUpdate(scratch.ctx, part.data(), size_t(part.size()));
    ok = ok && EVP_DigestFinal_ex(scratch.ctx, inner.data(), &len);
    ok = ok && EVP_MD_CTX_copy_ex(scratch.ctx, m_outer.get());
    ok = ok && EVP_DigestUpdate(scratch.ctx, inner.data(), inner.size());
    ok = ok && EVP_DigestFinal_ex(scratch.ctx, out.data(), &len);
    EVP_MD_CTX_reset(scratch.ctx);
    if (!ok)
        throw std::runtime_error("HMAC-SHA256 failed");
    return out;
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

} // namespace mm
