// SPDX-License-Identifier: GPL-3.0-or-later
// Incremental HTTP/1.x response parser for the simulator's sender: status line, headers,
// Content-Length, chunked and read-until-close bodies, keep-alive. Bodies are skipped, not stored.
#pragma once

#include <QByteArray>

namespace mm::sim {

class HttpResponseParser final
{
public:
    enum class State : quint8 {
        StatusLine,
        Headers,
        FixedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        UntilClose,
        Done,
        Error,
    };

    // Caps that keep a misbehaving server from growing our buffers without bound.
    static constexpr qsizetype MaxLineLength = 16 * 1024;
    static constexpr int MaxHeaderLines = 200;

    void reset();

    // Consumes bytes of one response and returns how many were used; stops at its end,
    // so bytes after a complete response are left to the caller.
    qsizetype feed(const char *data, qsizetype size);

    // The peer closed the connection: ends a read-until-close body, and is an error otherwise.
    void finishOnClose();

    State state() const { return m_state; }
    bool isDone() const { return m_state == State::Done; }
    bool hasError() const { return m_state == State::Error; }
    bool hasStarted() const { return m_started; }
    const char *errorText() const { return m_error; }

    int status() const { return m_status; }
    // The final answer's Retry-After in seconds from nowSeconds (Unix time, for the HTTP-date
    // form; a date already past is 0), or -1 when it had none or an unreadable one.
    qint64 retryAfterSeconds(qint64 nowSeconds) const;
    // Whether the connection may carry another request after this response.
    bool keepAlive() const { return m_keepAlive; }

private:
    bool takeLine(const char *data, qsizetype size, qsizetype *used, bool *complete);
    void fail(const char *why);
    void parseStatusLine();
    void parseHeaderLine();
    void headersDone();
    void parseChunkSize();

    State m_state = State::StatusLine;
    QByteArray m_line;
    const char *m_error = nullptr;
    qint64 m_remaining = 0;
    qint64 m_contentLength = -1;
    int m_status = 0;
    qint64 m_retryAfterDelay = -1; // Retry-After: delay-seconds
    qint64 m_retryAfterAt = -1; // Retry-After: HTTP-date, as Unix time
    int m_headerLines = 0;
    int m_minorVersion = 1;
    bool m_chunked = false;
    bool m_keepAlive = true;
    bool m_connectionClose = false;
    bool m_connectionKeepAlive = false;
    bool m_started = false;
};

} // namespace mm::sim
