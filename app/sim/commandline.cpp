// SPDX-License-Identifier: GPL-3.0-or-later
#include "commandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRandomGenerator>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mm::sim {

namespace {
QCommandLineOption valueOption(const char *name, const QString &description, const char *valueName,
                               const QString &defaultValue = {})
{
    return QCommandLineOption(QString::fromLatin1(name), description, QString::fromLatin1(valueName),
                              defaultValue);
}

// Reads an option's value; records the first problem in `error` and returns the fallback.
struct Reader
{
    const QCommandLineParser &parser;
    QString &error;

    int integer(const QCommandLineOption &option, int fallback, int min, int max)
    {
        return int(integer64(option, fallback, min, max));
    }

    qint64 integer64(const QCommandLineOption &option, qint64 fallback, qint64 min, qint64 max)
    {
        if (!parser.isSet(option))
            return fallback;
        bool ok = false;
        const qint64 value = parser.value(option).toLongLong(&ok);
        if (!ok || value < min || value > max)
            fail(option, QStringLiteral("a whole number from %1 to %2").arg(min).arg(max));
        return ok ? value : fallback;
    }

    double real(const QCommandLineOption &option, double fallback, double min, double max)
    {
        if (!parser.isSet(option))
            return fallback;
        bool ok = false;
        const double value = parser.value(option).toDouble(&ok);
        if (!ok || !std::isfinite(value) || value < min || value > max)
            fail(option, QStringLiteral("a number from %1 to %2").arg(min).arg(max));
        return ok ? value : fallback;
    }

    void fail(const QCommandLineOption &option, const QString &expected)
    {
        if (error.isEmpty())
            error = QStringLiteral("--%1 expects %2, not \"%3\".")
                        .arg(option.names().constFirst(), expected, parser.value(option));
    }
};
} // namespace

SimCommandLine parseSimCommandLine(const QStringList &arguments, const QString &secretsFromEnvironment)
{
    SimCommandLine out;
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Sends Svix-signed Anon migration webhooks to a receiver, the way Svix delivers them:\n"
        "one request at a time per keep-alive connection, re-signed on each attempt, retried on\n"
        "Svix's schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; each delay +-20 %,\n"
        "at least 60 s after a timeout or 429, at least Retry-After on a 429 or 503).\n"
        "Exit status: 0 when every correctly signed delivery was acknowledged and no deliberately\n"
        "bad one was, 1 otherwise, 2 for bad arguments."));
    parser.addHelpOption();
    parser.addVersionOption();

    const QCommandLineOption target
        = valueOption("target", QStringLiteral("Receiver URL (required), http:// or https://."), "url");
    const QCommandLineOption secret = valueOption(
        "secret",
        QStringLiteral(
            "Signing secret (whsec_…); repeatable, the first signs. Default: MIGRATION_MONITOR_SECRETS."),
        "secret");
    const QCommandLineOption rotateSecret = valueOption(
        "rotate-secret",
        QStringLiteral("A secret rotation in progress: sign every delivery with this (new) secret too, both "
                       "v1 entries in one signature header."),
        "secret");
    const QCommandLineOption unbranded = valueOption(
        "unbranded",
        QStringLiteral("Share sent with webhook-id/-timestamp/-signature headers instead of svix-*."),
        "ratio");
    const QCommandLineOption migrations
        = valueOption("migrations", QStringLiteral("Migrations to simulate."), "n", QStringLiteral("10"));
    const QCommandLineOption events = valueOption(
        "events", QStringLiteral("Send exactly this many lifecycle events, generating migrations as needed."),
        "n");
    const QCommandLineOption rate = valueOption(
        "rate", QStringLiteral("Attempts per second; 0 = as fast as possible."), "r", QStringLiteral("0"));
    const QCommandLineOption concurrency
        = valueOption("concurrency", QStringLiteral("Connections, one request in flight on each."), "c",
                      QStringLiteral("4"));
    const QCommandLineOption outOfOrder(QStringLiteral("out-of-order"),
                                        QStringLiteral("Shuffle deliveries within a sliding window."));
    const QCommandLineOption window = valueOption(
        "reorder-window", QStringLiteral("Window size for --out-of-order."), "n", QStringLiteral("16"));
    const QCommandLineOption duplicates = valueOption(
        "duplicates", QStringLiteral("Share of messages delivered twice (same svix-id and body)."), "ratio");
    const QCommandLineOption wrongSecret = valueOption(
        "wrong-secret", QStringLiteral("Share signed with an unknown secret (expected to be rejected)."),
        "ratio");
    const QCommandLineOption tamper = valueOption(
        "tamper", QStringLiteral("Share whose body changes after signing (expected to be rejected)."),
        "ratio");
    const QCommandLineOption seedQuirk = valueOption(
        "seed-quirk",
        QStringLiteral("Share with the vendor example's unquoted \"created\" (not valid JSON)."), "ratio");
    const QCommandLineOption retryScale
        = valueOption("retry-scale", QStringLiteral("Multiplies every retry delay, e.g. 0.001."), "x",
                      QStringLiteral("1.0"));
    const QCommandLineOption maxAttempts = valueOption(
        "max-attempts", QStringLiteral("Attempts per delivery before giving up."), "n", QStringLiteral("8"));
    const QCommandLineOption timeout = valueOption(
        "timeout", QStringLiteral("Milliseconds to wait for an answer."), "ms", QStringLiteral("15000"));
    const QCommandLineOption seed = valueOption(
        "seed", QStringLiteral("Seed for reproducible traffic (default: random, printed)."), "n");
    const QCommandLineOption epoch = valueOption(
        "epoch",
        QStringLiteral(
            "Date the generated events from this Unix time in microseconds instead of now, so two runs "
            "with the same --seed send the same events."),
        "us");
    const QCommandLineOption ackLog = valueOption(
        "ack-log", QStringLiteral("Append each acknowledged svix-id to this file, flushed at once."), "file");
    const QCommandLineOption pings = valueOption(
        "pings", QStringLiteral("Pings to mix in: Svix's \"send example\" body, {\"success\": true}."), "n",
        QStringLiteral("0"));
    const QCommandLineOption continuous(QStringLiteral("continuous"),
                                        QStringLiteral("Keep generating migrations until interrupted."));
    const QCommandLineOption insecure(QStringLiteral("insecure"),
                                      QStringLiteral("Accept any TLS certificate (self-signed receivers)."));
    const QCommandLineOption quiet(QStringLiteral("quiet"), QStringLiteral("Print only the summary."));
    const QCommandLineOption verbose(QStringLiteral("verbose"),
                                     QStringLiteral("Print every attempt's svix-id and status to stderr."));
    parser.addOptions({target,      secret,      rotateSecret, unbranded,  migrations,  events, rate,
                       concurrency, outOfOrder,  window,       duplicates, wrongSecret, tamper, seedQuirk,
                       retryScale,  maxAttempts, timeout,      seed,       ackLog,      pings,  continuous,
                       insecure,    quiet,       verbose,      epoch});

    if (!parser.parse(arguments)) {
        out.error = parser.errorText();
        return out;
    }
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("version"))) {
        const QString text = parser.isSet(QStringLiteral("help"))
            ? parser.helpText()
            : QCoreApplication::applicationName() + u' ' + QCoreApplication::applicationVersion() + u'\n';
        std::fputs(qPrintable(text), stdout);
        out.exitNow = true;
        return out;
    }
    if (!parser.positionalArguments().isEmpty()) {
        out.error
            = QStringLiteral("Unexpected argument \"%1\".").arg(parser.positionalArguments().constFirst());
        return out;
    }

    SimOptions &o = out.options;
    if (!parser.isSet(target)) {
        out.error = QStringLiteral("--target is required, e.g. --target http://127.0.0.1:8080/webhooks.");
        return out;
    }
    o.target = QUrl(parser.value(target), QUrl::StrictMode);
    if (!o.target.isValid() || o.target.host().isEmpty()) {
        out.error = QStringLiteral("--target \"%1\" is not a usable URL.").arg(parser.value(target));
        return out;
    }

    QStringList secretTexts = parser.values(secret);
    if (secretTexts.isEmpty())
        secretTexts = secretsFromEnvironment.simplified().split(u' ', Qt::SkipEmptyParts);
    if (secretTexts.isEmpty()) {
        out.error
            = QStringLiteral("No signing secret: pass --secret whsec_… or set MIGRATION_MONITOR_SECRETS.");
        return out;
    }
    QString secretError;
    const auto secrets = parseSecretList(secretTexts, &secretError);
    if (!secrets) {
        out.error = secretError;
        return out;
    }
    o.secrets = *secrets;
    if (parser.isSet(rotateSecret)) {
        o.rotateSecret = SigningSecret::parse(parser.value(rotateSecret), &secretError);
        if (!o.rotateSecret) {
            out.error = QStringLiteral("--rotate-secret: %1").arg(secretError);
            return out;
        }
    }

    Reader read {parser, out.error};
    constexpr int Big = 1'000'000'000;
    o.migrations = read.integer(migrations, o.migrations, 0, Big);
    o.events = read.integer(events, 0, 1, Big);
    o.rate = read.real(rate, o.rate, 0, 1e7);
    o.concurrency = read.integer(concurrency, o.concurrency, 1, 4096);
    o.outOfOrder = parser.isSet(outOfOrder);
    o.reorderWindow = read.integer(window, o.reorderWindow, 1, 1'000'000);
    o.duplicates = read.real(duplicates, 0, 0, 1);
    o.wrongSecret = read.real(wrongSecret, 0, 0, 1);
    o.tamper = read.real(tamper, 0, 0, 1);
    o.seedQuirk = read.real(seedQuirk, 0, 0, 1);
    o.unbranded = read.real(unbranded, 0, 0, 1);
    o.retryScale = read.real(retryScale, o.retryScale, 0, 1e6);
    o.maxAttempts = read.integer(maxAttempts, o.maxAttempts, 1, 1000);
    o.requestTimeoutMs = read.integer(timeout, o.requestTimeoutMs, 1, 3'600'000);
    o.pings = read.integer(pings, 0, 0, Big);
    o.continuous = parser.isSet(continuous);
    o.insecure = parser.isSet(insecure);
    o.ackLog = parser.value(ackLog);
    if (parser.isSet(epoch))
        o.epochUs = read.integer64(epoch, 0, 1, std::numeric_limits<qint64>::max() / 2);
    out.quiet = parser.isSet(quiet);
    out.verbose = parser.isSet(verbose);
    if (parser.isSet(seed)) {
        bool ok = false;
        o.seed = parser.value(seed).toULongLong(&ok);
        if (!ok && out.error.isEmpty())
            out.error = QStringLiteral("--seed expects a non-negative whole number, not \"%1\".")
                            .arg(parser.value(seed));
        out.seedGiven = true;
    } else {
        o.seed = QRandomGenerator::system()->generate64();
    }
    if (!out.error.isEmpty())
        return out;
    out.error = o.validate();
    return out;
}

} // namespace mm::sim
