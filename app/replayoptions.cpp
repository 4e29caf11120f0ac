// SPDX-License-Identifier: GPL-3.0-or-later
#include "replayoptions.h"

#include "event/envelope.h"

#include <QCommandLineParser>
#include <QUrl>

namespace mm {

ReplayCommandLine::ReplayCommandLine()
    : m_replayTo(
        QStringLiteral("replay-to"),
        QStringLiteral("Send the stored deliveries (oldest first, filtered by --migration, --type and "
                       "--since) to URL, print one line per delivery and exit; non-zero when any "
                       "failed."),
        QStringLiteral("URL"))
    , m_migration(QStringLiteral("migration"),
                  QStringLiteral("With --replay-to: only this migration's events."), QStringLiteral("ID"))
    , m_type(QStringLiteral("type"),
             QStringLiteral("With --replay-to: only events of this type (e.g. migration.failed)."),
             QStringLiteral("TYPE"))
    , m_since(QStringLiteral("since"),
              QStringLiteral("With --replay-to: only deliveries received at or after this time "
                             "(ISO 8601, e.g. 2026-11-26T00:00:00Z; no zone means UTC)."),
              QStringLiteral("ISO8601"))
    , m_resignSecret(
          QStringLiteral("resign-secret"),
          QStringLiteral("With --replay-to: sign afresh with this secret and the current time instead "
                         "of sending the headers as received."),
          QStringLiteral("S"))
    , m_newIds(QStringLiteral("new-ids"),
               QStringLiteral("With --resign-secret: give each replayed delivery a new svix-id."))
    , m_concurrency(QStringLiteral("replay-concurrency"),
                    QStringLiteral("With --replay-to: requests in flight at once (1-64, default 1); lines "
                                   "are still printed oldest first."),
                    QStringLiteral("N"))
    , m_rate(QStringLiteral("replay-rate"),
             QStringLiteral("With --replay-to: at most N requests a second (default: no limit)."),
             QStringLiteral("N"))
    , m_retries(
          QStringLiteral("replay-retries"),
          QStringLiteral("With --replay-to: retry a failed delivery up to N times (default 0), waiting 1 s, "
                         "then 2 s, 4 s...; which failures, see --replay-retry-on."),
          QStringLiteral("N"))
    , m_retryOn(QStringLiteral("replay-retry-on"),
                QStringLiteral("With --replay-retries: non-2xx (default) retries no answer and every answer "
                               "that is not 2xx, redirects and 4xx included, as Svix does; transient retries "
                               "only no answer, 429 and 5xx."),
                QStringLiteral("WHICH"))
    , m_forwardTo(
          QStringLiteral("forward-to"),
          QStringLiteral("Forward every accepted delivery to URL after it is stored, retrying until it "
                         "is accepted (the queue survives restarts)."),
          QStringLiteral("URL"))
    , m_forwardSecret(
          QStringLiteral("forward-secret"),
          QStringLiteral("With --forward-to: re-sign forwarded deliveries with this secret and keep their "
                         "ids. Without it each keeps its id and is signed afresh with the endpoint secret "
                         "that verified it."),
          QStringLiteral("S"))
    , m_import(
          QStringLiteral("import"),
          QStringLiteral("Add the deliveries in a JSON Lines file (the --export format; - for stdin) to the "
                         "store, skipping message ids it already holds, and exit."),
          QStringLiteral("FILE"))
    , m_exportHar(QStringLiteral("export-har"),
                  QStringLiteral("Write the stored deliveries as an HTTP Archive (HAR 1.2) to FILE (- for "
                                 "stdout) and exit."),
                  QStringLiteral("FILE"))
{
}

void ReplayCommandLine::addTo(QCommandLineParser &parser) const
{
    parser.addOptions({m_replayTo, m_migration, m_type, m_since, m_resignSecret, m_newIds, m_concurrency,
                       m_rate, m_retries, m_retryOn, m_forwardTo, m_forwardSecret, m_import, m_exportHar});
}

bool checkTargetUrl(const QString &option, const QString &text, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        *error = QStringLiteral("--%1: '%2' is not an http:// or https:// URL.").arg(option, text);
        return false;
    }
    return true;
}

bool ReplayCommandLine::read(const QCommandLineParser &parser, const ArgvSecrets &secrets, AppOptions &o,
                             QString *error) const
{
    ReplayArgs &r = o.replay;
    // One-shot commands are exclusive.
    int commands = 0;
    for (const QCommandLineOption *c : {&m_replayTo, &m_import, &m_exportHar})
        commands += parser.isSet(*c) ? 1 : 0;
    if (commands > 1 || (commands == 1 && o.mode != AppOptions::Mode::Gui)) {
        *error = QStringLiteral(
            "--replay-to, --import, --export-har, --export, --report-migrations and --headless "
            "are separate commands; run them one at a time.");
        return false;
    }
    auto positive = [&parser, error](const QCommandLineOption &option, int low, int high, int *into) {
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        const int v = parser.value(option).toInt(&ok);
        if (!ok || v < low || v > high) {
            *error = QStringLiteral("--%1: expected a whole number from %2 to %3.")
                         .arg(option.names().constFirst())
                         .arg(low)
                         .arg(high);
            return false;
        }
        *into = v;
        return true;
    };
    if (parser.isSet(m_replayTo)) {
        o.mode = AppOptions::Mode::Replay;
        r.target = parser.value(m_replayTo);
        if (!checkTargetUrl(QStringLiteral("replay-to"), r.target, error))
            return false;
    } else {
        for (const QCommandLineOption *only :
             {&m_migration, &m_type, &m_since, &m_newIds, &m_concurrency, &m_rate, &m_retries, &m_retryOn}) {
            if (parser.isSet(*only)) {
                *error = QStringLiteral("--%1 goes with --replay-to.").arg(only->names().constFirst());
                return false;
            }
        }
        if (!secrets.resign.isEmpty()) {
            *error = QStringLiteral("--resign-secret goes with --replay-to.");
            return false;
        }
    }
    r.migrationId = parser.value(m_migration);
    r.type = parser.value(m_type);
    if (parser.isSet(m_since)) {
        r.sinceUs = parseTimestampUs(parser.value(m_since));
        if (!r.sinceUs) {
            *error = QStringLiteral("--since: '%1' is not an ISO 8601 time such as 2026-11-26T09:00:00Z.")
                         .arg(parser.value(m_since));
            return false;
        }
    }
    r.resignSecret = secrets.resign;
    r.newIds = parser.isSet(m_newIds);
    if (r.newIds && r.resignSecret.isEmpty()) {
        *error = QStringLiteral("--new-ids needs --resign-secret: a new id needs a new signature.");
        return false;
    }
    if (!positive(m_concurrency, 1, 64, &r.concurrency) || !positive(m_retries, 0, 20, &r.retries))
        return false;
    if (parser.isSet(m_retryOn)) {
        const QString which = parser.value(m_retryOn);
        if (which != QLatin1String("non-2xx") && which != QLatin1String("transient")) {
            *error = QStringLiteral("--replay-retry-on: expected non-2xx or transient, not '%1'.").arg(which);
            return false;
        }
        r.retryTransientOnly = which == QLatin1String("transient");
    }
    if (parser.isSet(m_rate)) {
        bool ok = false;
        r.ratePerSecond = parser.value(m_rate).toDouble(&ok);
        if (!ok || !(r.ratePerSecond > 0) || r.ratePerSecond > 10000) {
            *error = QStringLiteral("--replay-rate: expected requests a second, above 0 and at most 10000.");
            return false;
        }
    }
    if (parser.isSet(m_forwardTo)) {
        if (o.mode != AppOptions::Mode::Gui && o.mode != AppOptions::Mode::Headless) {
            *error = QStringLiteral("--forward-to works with the window or --headless.");
            return false;
        }
        r.forwardTarget = parser.value(m_forwardTo);
        if (!checkTargetUrl(QStringLiteral("forward-to"), r.forwardTarget, error))
            return false;
    }
    r.forwardSecret = secrets.forward;
    if (!r.forwardSecret.isEmpty() && r.forwardTarget.isEmpty()) {
        *error = QStringLiteral("--forward-secret goes with --forward-to.");
        return false;
    }
    if (parser.isSet(m_import)) {
        o.mode = AppOptions::Mode::Import;
        r.importSource = parser.value(m_import);
    }
    if (parser.isSet(m_exportHar)) {
        o.mode = AppOptions::Mode::ExportHar;
        r.harTarget = parser.value(m_exportHar);
    }
    return true;
}

} // namespace mm
