// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardworker.h"

#include "store/store.h"
#include "util/workerthread.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QUrl>

namespace mm {

namespace {

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

const char *const SelectEntry
    = "SELECT q.id, q.delivery_id, d.msg_id, d.type, d.migration_id, q.target, q.state, q.tries, "
      "q.last_status, q.last_error, q.enqueued_us, q.next_us, q.done_us, q.resign, d.body, "
      "d.timestamp_header, d.signature, d.secret_index, d.headers "
      "FROM forward_queue q JOIN deliveries d ON d.id = q.delivery_id ";

// Reads a row selected with SelectEntry.
void readRow(const QSqlQuery &q, ForwardEntry *e, bool *resign, OutgoingDelivery *d)
{
    e->id = q.value(0).toLongLong();
    e->deliveryId = q.value(1).toLongLong();
    e->msgId = q.value(2).toString().toLatin1();
    e->type = q.value(3).toString();
    e->migrationId = q.value(4).toString();
    e->target = q.value(5).toString();
    e->state = q.value(6).toString();
    e->tries = q.value(7).toInt();
    e->lastStatus = q.value(8).toInt();
    e->lastError = q.value(9).toString();
    e->enqueuedUs = q.value(10).toLongLong();
    e->nextUs = q.value(11).toLongLong();
    e->doneUs = q.value(12).toLongLong();
    if (resign)
        *resign = q.value(13).toBool();
    if (d) {
        d->rowId = e->deliveryId;
        d->msgId = e->msgId;
        d->body = q.value(14).toByteArray();
        d->timestampHeader = q.value(15).toLongLong();
        d->signature = q.value(16).toString().toLatin1();
        d->secretIndex = q.value(17).isNull() ? -1 : q.value(17).toInt();
        d->unbranded = headerFamilyOf(q.value(18).toString().toLatin1());
        d->type = e->type;
        d->migrationId = e->migrationId;
    }
}
} // namespace

ForwardWorker::ForwardWorker(Forwarder::Options options)
    : m_options(std::move(options))
{
}

ForwardWorker::~ForwardWorker()
{
    close();
}

void ForwardWorker::open()
{
    MM_ASSERT_THREAD(this);
    // Created here, on the forwarding thread, so they belong to it.
    m_network = new QNetworkAccessManager(this);
    connect(m_network, &QNetworkAccessManager::finished, this, &ForwardWorker::onFinished);
    m_poll = new QTimer(this);
    connect(m_poll, &QTimer::timeout, this, &ForwardWorker::scan);
    connect(m_poll, &QTimer::timeout, this, &ForwardWorker::countPending);
    m_poll->start(m_options.poll);

    // One name for this forwarder's claims, kept across reconnections so rows in flight stay its own.
    m_claimer = ForwardQueue::newClaimer(m_options.store->options().instance);
    if (!connectStore())
        return; // the poll tries again
    // What an earlier run left pending is due now: a restart is the natural moment to retry. Rows
    // another receiver is sending stay its own; a dead one's come back when their lease ends.
    QString error;
    if (!m_queue->makeUnclaimedDue(nowUs(), &error))
        reportProblem(QStringLiteral("Forwarding cannot update its queue: %1").arg(error));
    countPending();
    scan();
}

bool ForwardWorker::connectStore()
{
    QString error;
    const auto db = m_options.store->openConnection(u"forward", &error);
    if (!db) {
        reportProblem(QStringLiteral("Forwarding cannot open the store: %1").arg(error));
        return false;
    }
    m_connection = db->connectionName();
    m_open = true;
    m_queue.emplace(*m_options.store, m_connection, m_claimer);
    return true;
}

void ForwardWorker::dropStore()
{
    // A database restart leaves a connection that only fails: the next poll opens a new one.
    m_open = false;
    m_queue.reset();
    Store::closeConnection(m_connection);
}

void ForwardWorker::countPending()
{
    MM_ASSERT_THREAD(this);
    if (!m_options.queueDepth || !m_open)
        return;
    // Once a poll, not per wake-up: the index on (state, next_us) makes it a range count.
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (q.exec(QStringLiteral("SELECT count(*) FROM forward_queue WHERE state = 'pending'")) && q.next())
        m_options.queueDepth->store(q.value(0).toLongLong(), std::memory_order_relaxed);
}

void ForwardWorker::close()
{
    MM_ASSERT_THREAD(this);
    if (m_poll)
        m_poll->stop();
    const auto replies = m_inFlight.keys();
    m_inFlight.clear(); // rows in flight stay pending in the store
    m_overdue.clear();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    if (m_open) {
        m_open = false;
        // Given back, due now: this receiver's next run, or another one, sends them at once.
        QString error;
        if (!m_queue->releaseClaims(nowUs(), &error))
            qWarning("forward: cannot give back the rows in flight (they are sent once their lease "
                     "ends): %s",
                     qPrintable(error));
        m_queue.reset();
        Store::closeConnection(m_connection);
    }
}

void ForwardWorker::reportProblem(const QString &message)
{
    if (message == m_lastProblem)
        return;
    m_lastProblem = message;
    qWarning("forward: %s", qPrintable(message));
    Q_EMIT problem(message);
}

void ForwardWorker::setSecret(std::optional<SigningSecret> secret)
{
    MM_ASSERT_THREAD(this);
    m_options.secret = std::move(secret);
    retryNow();
}

void ForwardWorker::setEndpointSecrets(const QList<SigningSecret> &secrets)
{
    MM_ASSERT_THREAD(this);
    m_options.endpointSecrets = secrets;
    retryNow(); // rows that waited for them
}

void ForwardWorker::retryNow()
{
    MM_ASSERT_THREAD(this);
    if (!m_open)
        return;
    QString error;
    if (!m_queue->makeUnclaimedDue(nowUs(), &error))
        reportProblem(QStringLiteral("Forwarding cannot update its queue: %1").arg(error));
    scan();
}

void ForwardWorker::scan()
{
    MM_ASSERT_THREAD(this);
    if (!m_open && (m_claimer.isEmpty() || !connectStore()))
        return;
    abortOverdue();
    const int room = m_options.concurrency - int(m_inFlight.size());
    if (room <= 0)
        return;
    // Claimed for longer than a request may take: the lease ends only if this receiver died.
    const qint64 now = nowUs();
    const qint64 leaseEnd = now + (m_options.timeout + m_options.leaseMargin).count() * 1000;
    QString error;
    const std::optional<QList<qint64>> claimed = m_queue->claim(now, leaseEnd, room, &error);
    if (!claimed) {
        reportProblem(QStringLiteral("Forwarding cannot read its queue: %1").arg(error));
        dropStore();
        return;
    }
    if (claimed->isEmpty()) {
        m_lastProblem.clear();
        return;
    }
    QStringList ids;
    for (const qint64 id : *claimed)
        ids.append(QString::number(id));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    q.prepare(QString::fromLatin1(SelectEntry)
              + QStringLiteral("WHERE q.id IN (%1) ORDER BY q.id").arg(ids.join(u',')));
    if (!q.exec()) {
        reportProblem(QStringLiteral("Forwarding cannot read its queue: %1").arg(q.lastError().text()));
        return;
    }
    QList<Row> rows;
    while (q.next()) {
        Row row;
        readRow(q, &row.entry, &row.resign, &row.delivery);
        rows.append(std::move(row));
    }
    q.finish();
    m_lastProblem.clear();
    for (Row &row : rows)
        send(std::move(row));
}

void ForwardWorker::send(Row row)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    std::optional<HeaderList> headers;
    if (row.resign) {
        if (!m_options.secret) {
            settle(row, 0,
                   QStringLiteral(
                       "No forwarding secret: start with --forward-secret or choose one in Settings."));
            return;
        }
        SigningChoice signing;
        signing.secret = m_options.secret;
        QString error;
        headers = outgoingHeaders(row.delivery, signing, row.delivery.msgId, now, &error, Sender::Forward);
        if (!headers) {
            settle(row, 0, error);
            return;
        }
    } else {
        // Its own id, signed afresh: the original timestamp and signature are refused by any
        // target that checks them once they are 5 minutes old (a retry, a restart).
        if (m_options.endpointSecrets.isEmpty()) {
            settle(row, 0, QStringLiteral("Waiting for the endpoint's signing secrets to sign it afresh."),
                   Settle::Wait);
            return;
        }
        const QList<SigningSecret> secrets = verifyingSecrets(row.delivery, m_options.endpointSecrets);
        if (secrets.isEmpty()) {
            const QString why = row.delivery.signature.isEmpty()
                ? QStringLiteral("Not forwarded: it was stored without its signature (imported, or by an "
                                 "earlier version), so the secret that verified it is unknown and it cannot "
                                 "be signed afresh with its own id. Replay it re-signed instead.")
                : QStringLiteral(
                      "Not forwarded: the endpoint secret that verified it (#%1 when it arrived) is "
                      "no longer configured, so it cannot be signed afresh with its own id, and its "
                      "original signature has expired. Replay it re-signed instead.")
                      .arg(row.delivery.secretIndex + 1);
            settle(row, 0, why, Settle::GiveUp);
            Q_EMIT notice(QString::fromLatin1(row.entry.msgId) + QStringLiteral(": ") + why);
            return;
        }
        headers = resignedHeaders(row.delivery, secrets, now, Sender::Forward);
    }
    QNetworkRequest request {QUrl(row.entry.target)};
    for (const auto &[name, value] : *headers)
        request.setRawHeader(name, value);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(int(m_options.timeout.count()));
    QNetworkReply *reply = m_network->post(request, row.delivery.body);
    InFlight f {std::move(row), {}};
    f.clock.start();
    m_inFlight.insert(reply, std::move(f));
}

void ForwardWorker::abortOverdue()
{
    // The transfer timeout only ends a request that stops moving; one that trickles on must still
    // end before its lease does, or another forwarder could take the row over meanwhile.
    QList<QNetworkReply *> overdue;
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it) {
        if (it->clock.hasExpired(m_options.timeout.count()))
            overdue.append(it.key());
    }
    for (QNetworkReply *reply : std::as_const(overdue)) {
        if (!m_inFlight.contains(reply)) // settled meanwhile (abort() reports at once)
            continue;
        m_overdue.insert(reply);
        reply->abort();
    }
}

void ForwardWorker::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    auto it = m_inFlight.find(reply);
    if (it == m_inFlight.end())
        return;
    InFlight f = std::move(*it);
    m_inFlight.erase(it);
    const bool overdue = m_overdue.remove(reply);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QString error;
    if (status < 200 || status >= 300) {
        error = overdue
            ? QStringLiteral("No answer within %1 s").arg(double(m_options.timeout.count()) / 1000)
            : status == 0 ? reply->errorString()
                          : QStringLiteral("HTTP %1 %2")
                                .arg(status)
                                .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
                                .trimmed();
    }
    settle(f.row, status, error);
    scan();
}

void ForwardWorker::settle(Row &row, int status, const QString &error, Settle how)
{
    if (!m_queue)
        return; // closed: the row was given back
    ForwardEntry &e = row.entry;
    const qint64 now = nowUs();
    if (how == Settle::Try)
        e.tries += 1;
    e.lastStatus = status;
    e.lastError = error;
    if (how == Settle::Wait) {
        // setEndpointSecrets makes it due again at once; until then, look again now and then.
        e.nextUs = now + m_options.retryCap.count() * 1000;
    } else if (how == Settle::GiveUp) {
        e.state = QStringLiteral("failed");
        e.doneUs = now;
    } else if (error.isEmpty()) {
        e.state = QStringLiteral("delivered");
        e.doneUs = now;
    } else if (e.tries >= m_options.maxTries) {
        e.state = QStringLiteral("failed");
        e.doneUs = now;
    } else {
        const qint64 delayMs = std::min<qint64>(
            m_options.retryCap.count(), m_options.retryBase.count() * (1LL << std::min(e.tries - 1, 20)));
        e.nextUs = now + delayMs * 1000;
    }
    // Settling ends the claim: a row due again later is anyone's; a finished one keeps the name of
    // the forwarder that sent it (or gave up). Only while this forwarder still holds it.
    const bool pending = e.state == QLatin1String("pending");
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(
        QStringLiteral("UPDATE forward_queue SET state = ?, tries = ?, last_status = ?, last_error = ?, "
                       "next_us = ?, done_us = ?, claimed_by = ? WHERE id = ? AND claimed_by = ?"));
    q.addBindValue(e.state);
    q.addBindValue(e.tries);
    q.addBindValue(status);
    q.addBindValue(error.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(error));
    q.addBindValue(e.nextUs);
    q.addBindValue(e.doneUs ? QVariant(e.doneUs) : QVariant(QMetaType(QMetaType::LongLong)));
    q.addBindValue(pending ? QVariant(QMetaType(QMetaType::QString)) : QVariant(m_queue->claimer()));
    q.addBindValue(e.id);
    q.addBindValue(m_queue->claimer());
    if (!q.exec()) {
        reportProblem(QStringLiteral("Forwarding cannot update its queue: %1").arg(q.lastError().text()));
    } else if (q.numRowsAffected() == 0) {
        // The lease ended first (this thread stalled) and another forwarder holds the row now:
        // its outcome is the one recorded.
        qWarning("forward: %s was settled after its lease ended; another forwarder has it",
                 e.msgId.constData());
        return;
    }
    Q_EMIT entryUpdated(e);
}

void ForwardWorker::loadRecent(int limit)
{
    MM_ASSERT_THREAD(this);
    QList<ForwardEntry> out;
    if (m_open) {
        QSqlQuery q(QSqlDatabase::database(m_connection, false));
        q.setForwardOnly(true);
        q.prepare(QString::fromLatin1(SelectEntry) + QStringLiteral("ORDER BY q.id DESC LIMIT ?"));
        q.addBindValue(limit);
        if (q.exec()) {
            while (q.next()) {
                ForwardEntry e;
                readRow(q, &e, nullptr, nullptr);
                out.prepend(std::move(e));
            }
        }
    }
    Q_EMIT recentLoaded(out);
}

} // namespace mm
