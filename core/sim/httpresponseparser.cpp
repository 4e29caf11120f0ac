// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpresponseparser.h"

#include <QDateTime>
#include <cstring>

namespace mm::sim {

namespace {
bool equalsLower(QByteArrayView text, QByteArrayView lower)
{
    return text.compare(lower, Qt::CaseInsensitive) == 0;
}

// Whether a comma-separated header value lists `token` (case-insensitive).
bool hasToken(QByteArrayView value, QByteArrayView token)
{
    while (!value.isEmpty()) {
        qsizetype comma = value.indexOf(',');
        QByteArrayView item = comma < 0 ? value : value.first(comma);
        if (equalsLower(item.trimmed(), token))
            return true;
        if (comma < 0)
            break;
        value = value.sliced(comma + 1);
    }
    return false;
}
} // namespace

void HttpResponseParser::reset()
{
    m_state = State::StatusLine;
    m_line.resize(0); // keeps the capacity for the next response
    m_error = nullptr;
    m_remaining = 0;
    m_contentLength = -1;
    m_status = 0;
    m_retryAfterDelay = -1;
    m_retryAfterAt = -1;
    m_headerLines = 0;
    m_minorVersion = 1;
    m_chunked = false;
    m_keepAlive = true;
    m_connectionClose = false;
    m_connectionKeepAlive = false;
    m_started = false;
}

void HttpResponseParser::fail(const char *why)
{
    m_state = State::Error;
    m_error = why;
    m_keepAlive = false;
}

bool HttpResponseParser::takeLine(const char *data, qsizetype size, qsizetype *used, bool *complete)
{
    const void *nl = std::memchr(data, '\n', size_t(size));
    const qsizetype take = nl ? static_cast<const char *>(nl) - data + 1 : size;
    if (m_line.size() + take > MaxLineLength) {
        fail("response line too long");
        return false;
    }
    m_line.append(data, take);
    *used = take;
    *complete = nl != nullptr;
    if (*complete) {
        m_line.chop(1);
        if (m_line.endsWith('\r'))
            m_line.chop(1);
    }
    return true;
}

qsizetype HttpResponseParser::feed(const char *data, qsizetype size)
{
    qsizetype pos = 0;
    if (size > 0)
        m_started = true;
    while (pos < size && m_state != State::Done && m_state != State::Error) {
        switch (m_state) {
        case State::StatusLine:
        case State::Headers:
        case State::ChunkSize:
        case State::ChunkDataEnd:
        case State::Trailers: {
            qsizetype used = 0;
            bool complete = false;
            if (!takeLine(data + pos, size - pos, &used, &complete))
                return pos;
            pos += used;
            if (!complete)
                break;
            switch (m_state) {
            case State::StatusLine:
                parseStatusLine();
                break;
            case State::Headers:
                parseHeaderLine();
                break;
            case State::ChunkSize:
                parseChunkSize();
                break;
            case State::ChunkDataEnd:
                if (!m_line.isEmpty())
                    fail("malformed chunk terminator");
                else
                    m_state = State::ChunkSize;
                break;
            case State::Trailers:
                if (m_line.isEmpty())
                    m_state = State::Done;
                break;
            default:
                break;
            }
            m_line.resize(0);
            break;
        }
        case State::FixedBody:
        case State::ChunkData: {
            const qint64 take = qMin<qint64>(m_remaining, size - pos);
            pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = m_state == State::FixedBody ? State::Done : State::ChunkDataEnd;
            break;
        }
        case State::UntilClose:
            pos = size;
            break;
        case State::Done:
        case State::Error:
            break;
        }
    }
    return pos;
}

void HttpResponseParser::finishOnClose()
{
    if (m_state == State::UntilClose)
        m_state = State::Done;
    else if (m_state != State::Done)
        fail("connection closed before the response was complete");
}

void HttpResponseParser::parseStatusLine()
{
    // "HTTP/1.1 200 OK"; the reason phrase may be empty or absent.
    const QByteArrayView line(m_line);
    if (line.isEmpty() && m_headerLines == 0)
        return; // tolerate a stray CRLF between responses, as RFC 9112 allows
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || line.at(8) != ' ') {
        fail("malformed status line");
        return;
    }
    const char minor = line.at(7);
    if (minor != '0' && minor != '1') {
        fail("unsupported HTTP version");
        return;
    }
    m_minorVersion = minor - '0';
    int status = 0;
    for (int i = 9; i < 12; ++i) {
        const char c = line.at(i);
        if (c < '0' || c > '9') {
            fail("malformed status code");
            return;
        }
        status = status * 10 + (c - '0');
    }
    if (line.size() > 12 && line.at(12) != ' ') {
        fail("malformed status code");
        return;
    }
    m_status = status;
    m_state = State::Headers;
}

void HttpResponseParser::parseHeaderLine()
{
    if (m_line.isEmpty()) {
        headersDone();
        return;
    }
    if (++m_headerLines > MaxHeaderLines) {
        fail("too many response headers");
        return;
    }
    const QByteArrayView line(m_line);
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0) {
        fail("malformed response header");
        return;
    }
    const QByteArrayView name = line.first(colon);
    const QByteArrayView value = line.sliced(colon + 1).trimmed();
    if (equalsLower(name, "content-length")) {
        bool ok = false;
        const qint64 length = value.toLongLong(&ok);
        if (!ok || length < 0 || (m_contentLength >= 0 && m_contentLength != length)) {
            fail("invalid Content-Length");
            return;
        }
        m_contentLength = length;
    } else if (equalsLower(name, "transfer-encoding")) {
        m_chunked = hasToken(value, "chunked");
    } else if (equalsLower(name, "connection")) {
        m_connectionClose = m_connectionClose || hasToken(value, "close");
        m_connectionKeepAlive = m_connectionKeepAlive || hasToken(value, "keep-alive");
    } else if (equalsLower(name, "retry-after")) {
        // RFC 9110: delay-seconds, or an HTTP-date (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT").
        bool ok = false;
        const qint64 seconds = value.toLongLong(&ok);
        if (ok && seconds >= 0) {
            m_retryAfterDelay = seconds;
        } else {
            // IMF-fixdate always ends in "GMT", which Qt 6.4's RFC 2822 parser does not take.
            QString text = QString::fromLatin1(value);
            if (text.endsWith(QLatin1String(" GMT")))
                text.replace(text.size() - 3, 3, QStringLiteral("+0000"));
            const QDateTime at = QDateTime::fromString(text, Qt::RFC2822Date);
            if (at.isValid())
                m_retryAfterAt = at.toSecsSinceEpoch();
        }
    }
}

qint64 HttpResponseParser::retryAfterSeconds(qint64 nowSeconds) const
{
    if (m_retryAfterDelay >= 0)
        return m_retryAfterDelay;
    if (m_retryAfterAt >= 0)
        return qMax<qint64>(0, m_retryAfterAt - nowSeconds);
    return -1;
}

void HttpResponseParser::headersDone()
{
    // Interim 1xx answers (100 Continue, 103 Early Hints) precede the real one; 101 is not ours to handle.
    if (m_status >= 100 && m_status < 200 && m_status != 101) {
        m_state = State::StatusLine;
        m_headerLines = 0;
        m_contentLength = -1;
        m_retryAfterDelay = -1;
        m_retryAfterAt = -1;
        m_chunked = false;
        m_connectionClose = false;
        m_connectionKeepAlive = false;
        return;
    }
    m_keepAlive = m_minorVersion == 1 ? !m_connectionClose : (m_connectionKeepAlive && !m_connectionClose);
    if (m_status == 101) {
        fail("unexpected protocol switch");
        return;
    }
    if (m_status == 204 || m_status == 304) {
        m_state = State::Done;
    } else if (m_chunked) {
        m_state = State::ChunkSize;
    } else if (m_contentLength >= 0) {
        m_remaining = m_contentLength;
        m_state = m_remaining == 0 ? State::Done : State::FixedBody;
    } else {
        // No framing: the body runs until the server closes, so the connection cannot be reused.
        m_keepAlive = false;
        m_state = State::UntilClose;
    }
}

void HttpResponseParser::parseChunkSize()
{
    QByteArrayView line(m_line);
    const qsizetype semicolon = line.indexOf(';');
    if (semicolon >= 0)
        line = line.first(semicolon);
    line = line.trimmed();
    bool ok = false;
    const qint64 size = line.toLongLong(&ok, 16);
    if (line.isEmpty() || !ok || size < 0) {
        fail("malformed chunk size");
        return;
    }
    if (size == 0) {
        m_state = State::Trailers;
    } else {
        m_remaining = size;
        m_state = State::ChunkData;
    }
}

} // namespace mm::sim
