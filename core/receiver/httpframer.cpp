// SPDX-License-Identifier: GPL-3.0-or-later
#include "httpframer.h"

#include <charconv>

namespace mm {

namespace {
constexpr qsizetype MaxChunkLine = 1024;

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isFieldValue(QByteArrayView s)
{
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

QByteArrayView trimmedView(QByteArrayView s)
{
    while (!s.isEmpty() && (s.front() == ' ' || s.front() == '\t'))
        s = s.sliced(1);
    while (!s.isEmpty() && (s.back() == ' ' || s.back() == '\t'))
        s.chop(1);
    return s;
}

bool equalsNoCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

bool hasToken(QByteArrayView list, QByteArrayView token)
{
    qsizetype pos = 0;
    while (pos <= list.size()) {
        qsizetype end = list.indexOf(',', pos);
        if (end < 0)
            end = list.size();
        if (equalsNoCase(trimmedView(list.sliced(pos, end - pos)), token))
            return true;
        pos = end + 1;
    }
    return false;
}
} // namespace

QByteArray FramedRequest::normalized() const
{
    QByteArray out;
    qsizetype size = method.size() + target.size() + 32 + body.size();
    for (const auto &h : headers)
        size += h.first.size() + h.second.size() + 4;
    out.reserve(size);
    out.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    for (const auto &h : headers)
        out.append(h.first).append(": ").append(h.second).append("\r\n");
    out.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n\r\n");
    out.append(body);
    return out;
}

HttpFramer::HttpFramer(FramerLimits limits)
    : m_limits(limits)
{
}

HttpFramer::Step HttpFramer::fail(int status, const char *reason)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorReason = reason;
    m_buffer.clear();
    m_pos = 0;
    return Step::Error;
}

FramedRequest HttpFramer::takeRequest()
{
    FramedRequest out = std::move(m_request);
    m_request = FramedRequest();
    m_state = State::Idle;
    return out;
}

HttpFramer::Step HttpFramer::next()
{
    if (m_state == State::Failed)
        return Step::Error;
    if (m_state == State::Done)
        return Step::Ready;

    if (m_state == State::Idle) {
        // RFC 9112 2.2: ignore empty lines before a request line.
        while (m_buffer.size() - m_pos >= 2 && m_buffer[m_pos] == '\r' && m_buffer[m_pos + 1] == '\n')
            m_pos += 2;
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n", m_pos);
        if (headEnd < 0) {
            if (m_buffer.size() - m_pos > m_limits.maxHeaderBytes)
                return fail(431, "Request Header Fields Too Large");
            if (m_pos > 0 && m_pos == m_buffer.size()) {
                m_buffer.clear();
                m_pos = 0;
            }
            return Step::NeedMore;
        }
        if (headEnd + 4 - m_pos > m_limits.maxHeaderBytes)
            return fail(431, "Request Header Fields Too Large");
        const Step head = parseHead(headEnd);
        if (head != Step::NeedMore)
            return head;
        if (m_expectContinue) {
            m_expectContinue = false;
            if (m_state != State::Done && m_pos == m_buffer.size())
                return Step::Continue100;
        }
    }

    Step step = Step::NeedMore;
    if (m_state == State::Body)
        step = readBody();
    else if (m_state != State::Done)
        step = readChunks();
    else
        step = Step::Ready;

    if (step == Step::Ready || m_pos == m_buffer.size()) {
        // Drop what has been consumed so the buffer does not grow across requests.
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    return step;
}

HttpFramer::Step HttpFramer::parseHead(qsizetype headEnd)
{
    const QByteArrayView head(m_buffer.constData() + m_pos, headEnd - m_pos);
    m_pos = headEnd + 4;
    m_request = FramedRequest();

    qsizetype lineEnd = head.indexOf("\r\n");
    if (lineEnd < 0)
        lineEnd = head.size();
    const QByteArrayView requestLine = head.first(lineEnd);
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 <= sp1 + 1 || requestLine.indexOf(' ', sp2 + 1) >= 0)
        return fail(400, "Bad Request: malformed request line");
    const QByteArrayView method = requestLine.first(sp1);
    const QByteArrayView target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (!isToken(method))
        return fail(400, "Bad Request: malformed method");
    for (char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return fail(400, "Bad Request: malformed request target");
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return fail(version.startsWith("HTTP/") ? 505 : 400, "HTTP Version Not Supported");
    m_request.method = method.toByteArray();
    m_request.target = target.toByteArray();
    m_request.version = version.toByteArray();
    const bool http11 = version == "HTTP/1.1";
    m_request.keepAlive = http11;

    bool haveLength = false;
    bool chunked = false;
    qint64 length = 0;
    qsizetype pos = lineEnd + 2;
    while (pos < head.size()) {
        qsizetype end = head.indexOf("\r\n", pos);
        if (end < 0)
            end = head.size();
        const QByteArrayView line = head.sliced(pos, end - pos);
        pos = end + 2;
        if (line.isEmpty() || line.front() == ' ' || line.front() == '\t')
            return fail(400, "Bad Request: folded or empty header line");
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return fail(400, "Bad Request: malformed header line");
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = trimmedView(line.sliced(colon + 1));
        if (!isFieldValue(value))
            return fail(400, "Bad Request: control character in a header value");

        if (equalsNoCase(name, "content-length")) {
            qint64 n = -1;
            const auto res = std::from_chars(value.data(), value.data() + value.size(), n);
            if (value.isEmpty() || res.ec != std::errc() || res.ptr != value.data() + value.size() || n < 0)
                return fail(400, "Bad Request: invalid Content-Length");
            if (haveLength && n != length)
                return fail(400, "Bad Request: conflicting Content-Length headers");
            haveLength = true;
            length = n;
            continue;
        }
        if (equalsNoCase(name, "transfer-encoding")) {
            if (!equalsNoCase(value, "chunked") || chunked)
                return fail(501, "Not Implemented: only chunked transfer coding is supported");
            chunked = true;
            continue;
        }
        if (equalsNoCase(name, "expect")) {
            if (!equalsNoCase(value, "100-continue"))
                return fail(417, "Expectation Failed");
            m_expectContinue = http11;
            continue;
        }
        if (equalsNoCase(name, "connection")) {
            // HTTP/1.0 keep-alive would need a Connection: keep-alive answer the 1.0 way;
            // such clients (there are few) get one request per connection instead.
            if (hasToken(value, "close"))
                m_request.keepAlive = false;
            continue;
        }
        if (equalsNoCase(name, "keep-alive") || equalsNoCase(name, "upgrade") || equalsNoCase(name, "te")
            || equalsNoCase(name, "trailer") || equalsNoCase(name, "proxy-connection"))
            continue;
        m_request.headers.append({name.toByteArray(), value.toByteArray()});
    }

    // A request with both framings is how request smuggling starts: refuse it.
    if (chunked && haveLength)
        return fail(400, "Bad Request: both Content-Length and Transfer-Encoding");
    if (chunked) {
        m_state = State::ChunkSize;
    } else {
        if (length > m_limits.maxBodyBytes)
            return fail(413, "Content Too Large");
        m_contentLength = length;
        m_request.body.reserve(length);
        m_state = length > 0 ? State::Body : State::Done;
        if (length == 0)
            m_expectContinue = false;
    }
    return Step::NeedMore;
}

HttpFramer::Step HttpFramer::readBody()
{
    const qint64 want = m_contentLength - m_request.body.size();
    const qint64 take = std::min<qint64>(want, m_buffer.size() - m_pos);
    m_request.body.append(m_buffer.constData() + m_pos, take);
    m_pos += take;
    if (m_request.body.size() < m_contentLength)
        return Step::NeedMore;
    m_state = State::Done;
    return Step::Ready;
}

HttpFramer::Step HttpFramer::readChunks()
{
    for (;;) {
        switch (m_state) {
        case State::ChunkSize: {
            const qsizetype end = m_buffer.indexOf("\r\n", m_pos);
            if (end < 0) {
                if (m_buffer.size() - m_pos > MaxChunkLine)
                    return fail(400, "Bad Request: chunk size line too long");
                return Step::NeedMore;
            }
            QByteArrayView line(m_buffer.constData() + m_pos, end - m_pos);
            if (line.size() > MaxChunkLine)
                return fail(400, "Bad Request: chunk size line too long");
            const qsizetype semi = line.indexOf(';');
            if (semi >= 0)
                line = line.first(semi);
            line = trimmedView(line);
            qint64 size = -1;
            const auto res = std::from_chars(line.data(), line.data() + line.size(), size, 16);
            if (line.isEmpty() || line.size() > 15 || res.ec != std::errc()
                || res.ptr != line.data() + line.size() || size < 0)
                return fail(400, "Bad Request: invalid chunk size");
            m_pos = end + 2;
            if (size == 0) {
                m_state = State::Trailers;
                m_trailerBytes = 0;
                break;
            }
            if (m_request.body.size() + size > m_limits.maxBodyBytes)
                return fail(413, "Content Too Large");
            m_chunkRemaining = size;
            m_state = State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 take = std::min<qint64>(m_chunkRemaining, m_buffer.size() - m_pos);
            m_request.body.append(m_buffer.constData() + m_pos, take);
            m_pos += take;
            m_chunkRemaining -= take;
            if (m_chunkRemaining > 0)
                return Step::NeedMore;
            m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd:
            if (m_buffer.size() - m_pos < 2)
                return Step::NeedMore;
            if (m_buffer[m_pos] != '\r' || m_buffer[m_pos + 1] != '\n')
                return fail(400, "Bad Request: chunk not terminated by CRLF");
            m_pos += 2;
            m_state = State::ChunkSize;
            break;
        case State::Trailers: {
            // Trailer fields are read and dropped; they count against the header limit.
            const qsizetype end = m_buffer.indexOf("\r\n", m_pos);
            if (end < 0) {
                if (m_trailerBytes + (m_buffer.size() - m_pos) > m_limits.maxHeaderBytes)
                    return fail(431, "Request Header Fields Too Large");
                return Step::NeedMore;
            }
            m_trailerBytes += end - m_pos + 2;
            if (m_trailerBytes > m_limits.maxHeaderBytes)
                return fail(431, "Request Header Fields Too Large");
            const bool last = end == m_pos;
            m_pos = end + 2;
            if (last) {
                m_state = State::Done;
                return Step::Ready;
            }
            break;
        }
        default:
            return Step::NeedMore;
        }
    }
}

} // namespace mm
