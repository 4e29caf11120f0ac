// SPDX-License-Identifier: GPL-3.0-or-later
// OpenSSL keeps state for every thread that used it (the error queue, random generators: Qt's
// TLS backend sets these up as soon as a QHttpServer or QSslSocket is made) and frees it when
// the thread exits. Qt's threads are detached, so a thread may still be exiting after
// QThread::wait() returned, while the process ends: OpenSSL's atexit clean-up has then already
// dropped the key that would have freed the thread's state, and the state leaks
// (LeakSanitizer reports it in about one exit in twenty).
#pragma once

namespace mm {

// Called on a QThread that uses OpenSSL (directly or through Qt): its OpenSSL state is freed
// by the thread itself as it finishes, after its deferred deletes and before wait() returns.
// Calling it more than once on a thread is harmless.
void releaseOpenSslStateWhenThreadFinishes();

} // namespace mm
