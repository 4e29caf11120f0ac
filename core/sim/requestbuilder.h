// SPDX-License-Identifier: GPL-3.0-or-later
// Builds one Svix delivery request: the fixed head, a fresh svix-timestamp and signature on
// every call (one v1 entry per signing secret: two during a rotation), svix-* or unbranded
// webhook-* names, and the deliberate faults (unknown secret, body changed after signing).
#pragma once

#include "verify/signingsecret.h"

#include <QByteArray>
#include <QList>
#include <QUrl>
#include <functional>

class QRandomGenerator;

namespace mm::sim {

enum class Fault : quint8 { None, WrongSecret, Tamper };

class RequestBuilder final
{
public:
    static constexpr QByteArrayView UserAgent
        = "Svix-Webhooks/1.66.0 (sender-mmsim; +https://www.svix.com/http-sender/)";
    static constexpr int WrongSecretCount = 4;

    // `clock` gives seconds since the epoch; the wrong secrets are drawn from `rng`. Every request
    // is signed with each of `signers` (at least one), in that order.
    RequestBuilder(const QUrl &target, QList<SigningSecret> signers, std::function<qint64()> clock,
                   QRandomGenerator &rng);

    // The complete request. wrongKey picks one of WrongSecretCount secrets the receiver cannot know.
    // unbranded: webhook-id, webhook-timestamp and webhook-signature instead of svix-*.
    QByteArray build(const QByteArray &msgId, const QByteArray &body, Fault fault = Fault::None,
                     int wrongKey = 0, bool unbranded = false);

    // The body with one character of the event id changed; still valid JSON.
    static QByteArray tampered(const QByteArray &body);

private:
    QByteArrayView timestamp();

    QByteArray m_head; // request line and the headers that never change
    QList<SigningSecret> m_signers;
    QList<SigningSecret> m_wrongSecrets;
    std::function<qint64()> m_clock;
    qint64 m_tsSeconds = -1;
    QByteArray m_tsText;
};

} // namespace mm::sim
