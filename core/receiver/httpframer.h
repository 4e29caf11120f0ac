// SPDX-License-Identifier: GPL-3.0-or-later
// Frames HTTP/1.1 requests out of a byte stream and enforces the receiver's limits,
// so that QHttpServer only ever sees complete, bounded, well-formed requests.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace mm {

struct FramerLimits
{
    qsizetype maxHeaderBytes = 64 * 1024;
    qsizetype maxBodyBytes = 2 * 1024 * 1024;
};

struct FramedRequest
{
    QByteArray method;
    QByteArray target;
    QByteArray version; // "HTTP/1.1" or "HTTP/1.0"
    QList<QPair<QByteArray, QByteArray>> headers; // as sent, minus framing headers
    QByteArray body; // de-chunked
    bool keepAlive = true;

    // The request rewritten with a Content-Length and no framing or hop-by-hop
    // headers, as QHttpServer is given it.
    QByteArray normalized() const;
};

class HttpFramer final
{
public:
    enum class Step {
        NeedMore, // wait for more bytes
        Continue100, // the client waits for "100 Continue" before it sends the body
        Ready, // takeRequest() holds a complete request
        Error, // errorStatus() says which; the connection must close
    };

    explicit HttpFramer(FramerLimits limits = {});

    void append(QByteArrayView bytes) { m_buffer.append(bytes.data(), bytes.size()); }
    Step next();

    FramedRequest takeRequest();
    int errorStatus() const { return m_errorStatus; }
    const char *errorReason() const { return m_errorReason; }

    // True while a request has begun but is not complete: the slow-request timer runs.
    bool inRequest() const { return m_state != State::Idle || !m_buffer.isEmpty(); }
    qsizetype bufferedBytes() const { return m_buffer.size(); }

private:
    enum class State { Idle, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done, Failed };

    Step fail(int status, const char *reason);
    Step parseHead(qsizetype headEnd);
    Step readBody();
    Step readChunks();

    FramerLimits m_limits;
    QByteArray m_buffer;
    qsizetype m_pos = 0; // consumed bytes at the front of m_buffer
    State m_state = State::Idle;
    FramedRequest m_request;
    qint64 m_contentLength = 0;
    qint64 m_chunkRemaining = 0;
    qsizetype m_trailerBytes = 0;
    bool m_expectContinue = false;
    int m_errorStatus = 0;
    const char *m_errorReason = "";
};

} // namespace mm
