// SPDX-License-Identifier: GPL-3.0-or-later
#include "opensslthread.h"

#include <QThreadStorage>
#include <openssl/crypto.h>

namespace mm {

namespace {
// Deleted by QThreadStorage when its thread finishes (QThreadPrivate::finish), which is
// after the thread's finished() signal and deferred deletes, and before wait() returns.
struct OpenSslThreadState
{
    OpenSslThreadState() = default;
    Q_DISABLE_COPY_MOVE(OpenSslThreadState)
    ~OpenSslThreadState() { OPENSSL_thread_stop(); }
};
} // namespace

void releaseOpenSslStateWhenThreadFinishes()
{
    static QThreadStorage<OpenSslThreadState *> state;
    if (!state.hasLocalData())
        state.setLocalData(new OpenSslThreadState);
}

} // namespace mm
