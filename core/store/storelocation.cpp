// SPDX-License-Identifier: GPL-3.0-or-later
#include "storelocation.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QUrl>
#include <algorithm>
#include <array>
#include <cctype>

namespace mm {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("mm::StoreLocation", text);
}

bool fail(QString *error, const QString &text)
{
    if (error)
        *error = text;
    return false;
}

// The URI's own percent-decoding: % must be followed by two hex digits; the bytes are UTF-8.
std::optional<QString> decode(QStringView text)
{
    QByteArray bytes;
    const QByteArray utf8 = text.toUtf8();
    bytes.reserve(utf8.size());
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        if (utf8[i] != '%') {
            bytes.append(utf8[i]);
            continue;
        }
        if (i + 2 >= utf8.size() || !std::isxdigit(uchar(utf8[i + 1])) || !std::isxdigit(uchar(utf8[i + 2])))
            return std::nullopt;
        bytes.append(char(QByteArray::fromHex(utf8.mid(i + 1, 2)).at(0)));
        i += 2;
    }
    return QString::fromUtf8(bytes);
}

QString encode(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

bool isPostgresScheme(QStringView scheme)
{
    return scheme.compare(QLatin1String("postgresql"), Qt::CaseInsensitive) == 0
        || scheme.compare(QLatin1String("postgres"), Qt::CaseInsensitive) == 0;
}

// libpq's connection parameters a URI may carry besides host, port, dbname, user and password.
bool isConnectionParameter(const QString &key)
{
    static const std::array<QLatin1String, 36> known = {
        QLatin1String("hostaddr"),
        QLatin1String("passfile"),
        QLatin1String("require_auth"),
        QLatin1String("channel_binding"),
        QLatin1String("connect_timeout"),
        QLatin1String("client_encoding"),
        QLatin1String("options"),
        QLatin1String("application_name"),
        QLatin1String("fallback_application_name"),
        QLatin1String("keepalives"),
        QLatin1String("keepalives_idle"),
        QLatin1String("keepalives_interval"),
        QLatin1String("keepalives_count"),
        QLatin1String("tcp_user_timeout"),
        QLatin1String("replication"),
        QLatin1String("gssencmode"),
        QLatin1String("sslmode"),
        QLatin1String("requiressl"),
        QLatin1String("sslcompression"),
        QLatin1String("sslcert"),
        QLatin1String("sslkey"),
        QLatin1String("sslcertmode"),
        QLatin1String("sslrootcert"),
        QLatin1String("sslcrl"),
        QLatin1String("sslcrldir"),
        QLatin1String("sslsni"),
        QLatin1String("requirepeer"),
        QLatin1String("ssl_min_protocol_version"),
        QLatin1String("ssl_max_protocol_version"),
        QLatin1String("krbsrvname"),
        QLatin1String("gsslib"),
        QLatin1String("gssdelegation"),
        QLatin1String("service"),
        QLatin1String("target_session_attrs"),
        QLatin1String("load_balance_hosts"),
        QLatin1String("sslnegotiation"),
    };
    return std::find(known.begin(), known.end(), key) != known.end();
}

bool parsePort(QStringView text, quint16 *port, QString *error)
{
    bool ok = !text.isEmpty();
    for (QChar c : text)
        ok = ok && c.isDigit() && c.unicode() < 128;
    const uint n = ok ? text.toUInt(&ok) : 0;
    if (!ok || n < 1 || n > 65535)
        return fail(error, tr("The store URL's port must be a number from 1 to 65535."));
    *port = quint16(n);
    return true;
}

QString badEncoding()
{
    return tr("The store URL has a bad percent-encoding: % must be followed by two hexadecimal digits.");
}

// The text after "scheme://", split as RFC 3986 does: the authority ends at the first / or ?.
struct Parts
{
    qsizetype authorityEnd = 0;
    qsizetype at = -1; // the last @ in the authority, which ends the user information
    qsizetype queryStart = -1; // after the ?
};

template<typename Text> Parts split(const Text &rest)
{
    Parts p;
    p.authorityEnd = rest.size();
    for (qsizetype i = 0; i < rest.size(); ++i) {
        if (rest[i] == u'/' || rest[i] == u'?') {
            p.authorityEnd = i;
            break;
        }
    }
    for (qsizetype i = p.authorityEnd - 1; i >= 0; --i) {
        if (rest[i] == u'@') {
            p.at = i;
            break;
        }
    }
    for (qsizetype i = p.authorityEnd; i < rest.size(); ++i) {
        if (rest[i] == u'?') {
            p.queryStart = i + 1;
            break;
        }
    }
    return p;
}

bool parsePostgres(QStringView rest, StoreLocation *l, QString *error)
{
    l->engine = StoreLocation::Engine::Postgres;
    if (rest.contains(u'#'))
        return fail(error, tr("The store URL has a # in it: write it as %23 (in a password, say)."));
    const Parts p = split(rest);
    const QStringView authority = rest.left(p.authorityEnd);
    QStringView hostPort = authority;
    if (p.at >= 0) {
        const QStringView userInfo = authority.left(p.at);
        hostPort = authority.mid(p.at + 1);
        const qsizetype colon = userInfo.indexOf(u':');
        const auto user = decode(colon < 0 ? userInfo : userInfo.left(colon));
        const auto password = decode(colon < 0 ? QStringView() : userInfo.mid(colon + 1));
        if (!user || !password)
            return fail(error, badEncoding());
        l->user = *user;
        l->password = *password;
    }
    if (hostPort.contains(u','))
        return fail(error, tr("The store URL names several hosts: name one."));
    QStringView portText;
    bool hasPort = false;
    if (hostPort.startsWith(u'[')) {
        const qsizetype close = hostPort.indexOf(u']');
        if (close < 0)
            return fail(error, tr("The store URL's IPv6 address has no closing ]."));
        l->host = hostPort.mid(1, close - 1).toString();
        const QStringView after = hostPort.mid(close + 1);
        if (!after.isEmpty() && !after.startsWith(u':'))
            return fail(error, tr("The store URL's IPv6 address must be followed by :port or nothing."));
        hasPort = !after.isEmpty();
        portText = after.mid(1);
    } else {
        const qsizetype colon = hostPort.indexOf(u':');
        const auto host = decode(colon < 0 ? hostPort : hostPort.left(colon));
        if (!host)
            return fail(error, badEncoding());
        l->host = *host;
        hasPort = colon >= 0;
        portText = hasPort ? hostPort.mid(colon + 1) : QStringView();
    }
    if (hasPort && !parsePort(portText, &l->port, error))
        return false;
    QStringView path;
    if (p.authorityEnd < rest.size() && rest[p.authorityEnd] == u'/') {
        const qsizetype pathEnd = p.queryStart < 0 ? rest.size() : p.queryStart - 1;
        path = rest.sliced(p.authorityEnd + 1, pathEnd - p.authorityEnd - 1);
    }
    const auto database = decode(path);
    if (!database)
        return fail(error, badEncoding());
    l->database = *database;
    const QStringView query = p.queryStart < 0 ? QStringView() : rest.mid(p.queryStart);
    for (QStringView pair : query.split(u'&', Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(u'=');
        const auto key = decode(eq < 0 ? pair : pair.left(eq));
        const auto value = decode(eq < 0 ? QStringView() : pair.mid(eq + 1));
        if (!key || !value)
            return fail(error, badEncoding());
        if (eq < 0)
            return fail(error, tr("The store URL's parameter %1 has no value: write %1=….").arg(*key));
        if (*key == QLatin1String("password")) {
            l->password = *value;
        } else if (*key == QLatin1String("user")) {
            l->user = *value;
        } else if (*key == QLatin1String("host")) {
            if (value->contains(u','))
                return fail(error, tr("The store URL names several hosts: name one."));
            l->host = *value;
        } else if (*key == QLatin1String("port")) {
            if (!parsePort(*value, &l->port, error))
                return false;
        } else if (*key == QLatin1String("dbname")) {
            l->database = *value;
        } else if (*key == QLatin1String("sslpassword")) {
            return fail(error,
                        tr("The store URL cannot carry sslpassword: use a client key without a "
                           "passphrase."));
        } else if (!isConnectionParameter(*key)) {
            return fail(
                error,
                tr("The store URL's parameter %1 is not a PostgreSQL connection parameter.").arg(*key));
        } else {
            if (*key == QLatin1String("sslmode")) {
                static const QStringList modes {QStringLiteral("disable"),   QStringLiteral("allow"),
                                                QStringLiteral("prefer"),    QStringLiteral("require"),
                                                QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
                if (!modes.contains(*value))
                    return fail(error,
                                tr("The store URL's sslmode must be disable, allow, prefer, require, "
                                   "verify-ca or verify-full."));
            }
            const auto same = [&key](const std::pair<QString, QString> &o) { return o.first == *key; };
            l->options.removeIf(same); // the last one counts, as in libpq
            l->options.append({*key, *value});
        }
    }
    if (l->database.isEmpty())
        return fail(error,
                    tr("The store URL names no database: add it after the host, as in "
                       "postgresql://host/dbname."));
    return true;
}
} // namespace

StoreLocation StoreLocation::sqlite(const QString &folder)
{
    StoreLocation l;
    l.folder = folder;
    return l;
}

std::optional<StoreLocation> StoreLocation::parse(const QString &urlOrPath, QString *error)
{
    const QString text = urlOrPath.trimmed();
    if (text.isEmpty()) {
        fail(error, tr("No store given: name a folder or a postgresql:// URL."));
        return std::nullopt;
    }
    static const QRegularExpression schemeForm(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*):(//)?"));
    const QRegularExpressionMatch scheme = schemeForm.match(text);
    if (scheme.hasMatch() && isPostgresScheme(scheme.capturedView(1))) {
        if (scheme.capturedView(2).isEmpty()) {
            fail(error,
                 tr("A PostgreSQL store URL starts with postgresql://, as in postgresql://host/dbname."));
            return std::nullopt;
        }
        StoreLocation l;
        if (!parsePostgres(QStringView(text).mid(scheme.capturedEnd()), &l, error))
            return std::nullopt;
        return l;
    }
    if (scheme.hasMatch() && !scheme.capturedView(2).isEmpty()) {
        fail(error,
             tr("The store URL's scheme %1: is not known: use postgresql:// (or postgres://), or name "
                "a folder for the embedded store.")
                 .arg(scheme.captured(1)));
        return std::nullopt;
    }
    return sqlite(text);
}

QList<std::pair<qsizetype, qsizetype>> StoreLocation::passwordRanges(QByteArrayView text)
{
    QList<std::pair<qsizetype, qsizetype>> ranges;
    const qsizetype schemeEnd = text.indexOf(QByteArrayView("://"));
    if (schemeEnd < 0 || !isPostgresScheme(QString::fromLatin1(text.first(schemeEnd).data(), schemeEnd)))
        return ranges;
    const qsizetype start = schemeEnd + 3;
    const QByteArrayView rest = text.sliced(start);
    const Parts p = split(rest);
    if (p.at >= 0) {
        const qsizetype colon = rest.first(p.at).indexOf(':');
        if (colon >= 0 && colon + 1 < p.at)
            ranges.append({start + colon + 1, start + p.at});
    }
    if (p.queryStart >= 0) {
        qsizetype from = p.queryStart;
        while (from <= rest.size()) {
            qsizetype end = rest.sliced(from).indexOf('&');
            end = end < 0 ? rest.size() : from + end;
            const QByteArrayView pair = rest.sliced(from, end - from);
            if (pair.startsWith("password=") && pair.size() > 9)
                ranges.append({start + from + 9, start + end});
            from = end + 1;
        }
    }
    return ranges;
}

QString StoreLocation::displayName() const
{
    return url(false);
}

QString StoreLocation::url(bool withPassword) const
{
    if (engine == Engine::Sqlite)
        return folder;
    QString s = QStringLiteral("postgresql://");
    const bool showPassword = withPassword && !password.isEmpty();
    if (!user.isEmpty() || showPassword) {
        s += encode(user);
        if (showPassword)
            s += u':' + encode(password);
        s += u'@';
    }
    s += host.contains(u':') ? u'[' + host + u']' : encode(host);
    if (port != DefaultPort)
        s += u':' + QString::number(port);
    s += u'/' + encode(database);
    QStringList query;
    for (const auto &[key, value] : options)
        query.append(encode(key) + u'=' + encode(value));
    if (!query.isEmpty())
        s += u'?' + query.join(u'&');
    return s;
}

} // namespace mm
