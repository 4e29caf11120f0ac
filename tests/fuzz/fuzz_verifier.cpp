// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes signature verification: SigningSecret::parse, header lookup over a header list
// and Verifier::verify, checked against a plain re-statement of the Svix rules.
//
// Input: the secret on the first line, then "name: value" header lines up to an empty
// line, then the body (the layout of tests/fuzz/corpus/fuzz_verifier/*).
#include "fuzzcommon.h"
#include "verify/signingsecret.h"
#include "verify/verifier.h"

#include <QByteArrayList>
#include <QList>
#include <QPair>
#include <QRegularExpression>
#include <QStringList>

using namespace mm;

namespace {
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

constexpr qint64 DefaultNow = 1614265330;
constexpr qint64 Tolerance = 300;

struct Input
{
    QByteArray secret;
    HeaderList headers;
    QByteArray body;
};

QByteArray chompCr(QByteArray line)
{
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

Input split(QByteArrayView data)
{
    Input in;
    qsizetype pos = data.indexOf('\n');
    in.secret = chompCr(data.first(pos < 0 ? data.size() : pos).toByteArray());
    if (pos < 0)
        return in;
    ++pos;
    while (pos < data.size()) {
        qsizetype end = data.indexOf('\n', pos);
        if (end < 0)
            end = data.size();
        const QByteArray line = chompCr(data.sliced(pos, end - pos).toByteArray());
        pos = end + 1;
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            in.headers.append({line, QByteArray()});
        else
            in.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    if (pos < data.size())
        in.body = data.sliced(pos).toByteArray();
    return in;
}

// The first header of that name, names compared without regard to case (as QHttpServerRequest::value).
QByteArray lookup(const HeaderList &headers, QByteArrayView lowerName)
{
    for (const auto &[name, value] : headers) {
        if (name.size() == lowerName.size()
            && QByteArrayView(name).compare(lowerName, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool digitsOnly(const QByteArray &text, qint64 *out)
{
    if (text.isEmpty() || text.size() > 18)
        return false;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    bool ok = false;
    *out = text.toLongLong(&ok);
    return ok;
}

// The rules of WEBHOOKS.md, written out plainly: any space-separated "v1," entry equal to
// the expected value of any secret.
bool expectedMatch(const QList<SigningSecret> &secrets, const WebhookHeaders &h, const QByteArray &body)
{
    const QByteArrayList tokens = h.signature.split(' ');
    for (const SigningSecret &s : secrets) {
        const QByteArray expected = s.signature(h.id, h.timestamp, body);
        if (tokens.contains(expected))
            return true;
    }
    return false;
}

Verdict verifyWith(const QList<SigningSecret> &secrets, qint64 now, const WebhookHeaders &h,
                   const QByteArray &body)
{
    const Verifier verifier(secrets, std::chrono::seconds(Tolerance), [now] { return now; });
    return verifier.verify(h, body);
}

void checkSecretParsing(const QByteArray &secretLine, std::optional<SigningSecret> *parsed)
{
    const QString text = QString::fromUtf8(secretLine);
    QString error;
    *parsed = SigningSecret::parse(text, &error);
    if (*parsed) {
        MM_FUZZ_CHECK((*parsed)->hint().startsWith(QStringLiteral("…")));
        MM_FUZZ_CHECK((*parsed)->hint().size() <= 5);
        MM_FUZZ_CHECK((*parsed)->signature("id", "1", "body").size() == 47); // "v1," + 44
    } else {
        MM_FUZZ_CHECK(!error.isEmpty());
        // The sentence never repeats the secret.
        const QString trimmed = text.trimmed();
        MM_FUZZ_CHECK(trimmed.size() < 8 || !error.contains(trimmed));
    }
    // The list form (MIGRATION_MONITOR_SECRETS) agrees with parsing each entry.
    const QStringList texts = text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    QString listError;
    const auto list = parseSecretList(texts, &listError);
    bool allParse = true;
    for (const QString &t : texts)
        allParse = allParse && SigningSecret::parse(t).has_value();
    MM_FUZZ_CHECK(list.has_value() == allParse);
    if (list)
        MM_FUZZ_CHECK(list->size() == texts.size());
}

void checkVerify(const QList<SigningSecret> &secrets, const Input &in)
{
    const WebhookHeaders h = WebhookHeaders::fromLookup(
        [&in](QByteArrayView lowerName) { return lookup(in.headers, lowerName); });
    // The clock sits near the sent timestamp so that most inputs get as far as the signatures;
    // the body's length moves it, so both tolerance edges are reached too.
    qint64 sent = 0;
    const bool validTimestamp = digitsOnly(h.timestamp, &sent);
    const qint64 now = validTimestamp ? sent + qint64(in.body.size() % 700) - 350 : DefaultNow;
    const Verdict v = verifyWith(secrets, now, h, in.body);

    const bool complete = !h.id.isEmpty() && !h.timestamp.isEmpty() && !h.signature.isEmpty();
    MM_FUZZ_CHECK((v.outcome == VerifyOutcome::MissingHeaders) == !complete);
    if (complete) {
        const bool valid = h.id.size() <= 256 && validTimestamp;
        MM_FUZZ_CHECK((v.outcome == VerifyOutcome::InvalidHeaders) == !valid);
        if (valid) {
            const qint64 skew = sent - now;
            MM_FUZZ_CHECK((v.outcome == VerifyOutcome::TimestampTooOld) == (skew < -Tolerance));
            MM_FUZZ_CHECK((v.outcome == VerifyOutcome::TimestampTooNew) == (skew > Tolerance));
            if (skew >= -Tolerance && skew <= Tolerance && !secrets.isEmpty())
                MM_FUZZ_CHECK(v.accepted() == expectedMatch(secrets, h, in.body));
        }
    }
    if (v.accepted()) {
        MM_FUZZ_CHECK(v.secretIndex >= 0 && v.secretIndex < secrets.size());
        MM_FUZZ_CHECK(
            h.signature.split(' ').contains(secrets[v.secretIndex].signature(h.id, h.timestamp, in.body)));
    }
    // Sentences for people never carry a signature value.
    const QString sentence = Verifier::describe(v, std::chrono::seconds(Tolerance));
    MM_FUZZ_CHECK(!sentence.isEmpty());
    if (h.signature.size() >= 16)
        MM_FUZZ_CHECK(!sentence.toUtf8().contains(h.signature));
    (void)outcomeCode(v.outcome);
}

// What a secret signs, it accepts; any change to the content or the signature is refused.
void checkRoundTrip(const SigningSecret &secret, const Input &in)
{
    const QList<SigningSecret> secrets {secret};
    QByteArray id = lookup(in.headers, "svix-id");
    if (id.isEmpty() || id.size() > 256)
        id = QByteArrayLiteral("msg_fuzz");
    const QByteArray ts = QByteArray::number(DefaultNow);
    const QByteArray sig = secret.signature(id, ts, in.body);
    MM_FUZZ_CHECK(verifyWith(secrets, DefaultNow, {id, ts, sig, false}, in.body).accepted());
    MM_FUZZ_CHECK(
        verifyWith(secrets, DefaultNow, {id, ts, "v1a,x " + sig + " v2,y", true}, in.body).accepted());
    MM_FUZZ_CHECK(!verifyWith(secrets, DefaultNow, {id, ts, sig.left(8), false}, in.body).accepted());
    MM_FUZZ_CHECK(!verifyWith(secrets, DefaultNow, {id, ts, "v2," + sig.mid(3), false}, in.body).accepted());
    MM_FUZZ_CHECK(!verifyWith(secrets, DefaultNow, {id, ts, "v1,", false}, in.body).accepted());
    MM_FUZZ_CHECK(!verifyWith(secrets, DefaultNow, {id, ts, sig, false}, in.body + 'x').accepted());
    MM_FUZZ_CHECK(
        !verifyWith(secrets, DefaultNow, {id, QByteArray::number(DefaultNow + 1), sig, false}, in.body)
             .accepted());
    MM_FUZZ_CHECK(verifyWith(secrets, DefaultNow + Tolerance + 1, {id, ts, sig, false}, in.body).outcome
                  == VerifyOutcome::TimestampTooOld);
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietMessages();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const Input in = split(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)));
    std::optional<SigningSecret> secret;
    checkSecretParsing(in.secret, &secret);

    // The published vector's secret is always configured, as during a rotation.
    static const SigningSecret known = *SigningSecret::parse(u"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    QList<SigningSecret> secrets;
    if (secret)
        secrets.append(*secret);
    secrets.append(known);
    checkVerify(secrets, in);
    checkVerify({}, in);
    if (secret)
        checkRoundTrip(*secret, in);
    return 0;
}
