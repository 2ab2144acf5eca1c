package io.wsboot.test;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.jspecify.annotations.Nullable;

/**
 * The client socket of a {@link RawWebSocketConnection} at the level of bytes: connects
 * (with TLS for {@code wss}), writes bytes as they are, and reads them buffered, every
 * read waiting no longer than the deadline of what it belongs to: after
 * {@link #startRead()}, the reads of one response or one frame share the client's
 * timeout, however the bytes trickle in.
 * <p>
 * Not meant for use by several threads at once.
 *
 * @see HttpResponseReader
 * @see FrameCodec
 */
final class RawSocket {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final Duration timeout;

	private long deadline;

	private RawSocket(Socket socket, Duration timeout) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
		this.timeout = timeout;
	}

	/**
	 * Connect to the host and port of a URI, with a TLS handshake for {@code wss}.
	 * @param uri the URI, {@code ws} or {@code wss}
	 * @param timeout how long connecting may take, and how long the reads that follow one
	 * {@link #startRead()} may take
	 * @return the connected socket
	 * @throws IOException when the server cannot be reached in time, or the TLS handshake
	 * fails
	 */
	static RawSocket connect(URI uri, Duration timeout) throws IOException {
		boolean secure = "wss".equals(uri.getScheme());
		int port = (uri.getPort() != -1) ? uri.getPort() : (secure ? 443 : 80);
		Socket socket = null;
		try {
			socket = secure ? SSLSocketFactory.getDefault().createSocket() : new Socket();
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(uri.getHost(), port), (int) Math.max(1, timeout.toMillis()));
			socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
			if (socket instanceof SSLSocket ssl) {
				ssl.startHandshake();
			}
			return new RawSocket(socket, timeout);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw ex;
		}
	}

	/**
	 * Write bytes as they are, and flush them.
	 * @param bytes the bytes
	 * @throws IOException when the write fails, such as on a connection the server closed
	 */
	void write(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * Half-close the socket: the server reads the end of the stream, and this socket can
	 * still read what the server sends.
	 * @throws IOException when the socket cannot be shut down
	 */
	void shutdownOutput() throws IOException {
		this.socket.shutdownOutput();
	}

	/**
	 * Close the socket. Never throws.
	 */
	void close() {
		closeQuietly(this.socket);
	}

	/**
	 * Start reading a response or a frame: the reads that follow must end within the
	 * timeout from now.
	 */
	void startRead() {
		this.deadline = System.nanoTime() + this.timeout.toNanos();
	}

	/**
	 * Read one byte.
	 * @return the byte, or {@code -1} at the end of the stream
	 * @throws SocketTimeoutException when the deadline passes first
	 * @throws IOException when the read fails
	 */
	int read() throws IOException {
		setTimeout();
		return this.in.read();
	}

	/**
	 * Read one byte that must be there.
	 * @return the byte
	 * @throws EOFException when the stream ends first
	 * @throws SocketTimeoutException when the deadline passes first
	 * @throws IOException when the read fails
	 */
	int readByte() throws IOException {
		int b = read();
		if (b == -1) {
			throw new EOFException("Connection closed by the server");
		}
		return b;
	}

	/**
	 * Read the given number of bytes.
	 * @param length how many bytes to read
	 * @return the bytes
	 * @throws EOFException when the stream ends first
	 * @throws SocketTimeoutException when the deadline passes first
	 * @throws IOException when the read fails
	 */
	byte[] readFully(int length) throws IOException {
		byte[] bytes = new byte[length];
		int read = 0;
		while (read < length) {
			setTimeout();
			int count = this.in.read(bytes, read, length - read);
			if (count == -1) {
				throw new EOFException("Connection closed by the server after " + read + " of " + length + " bytes");
			}
			read += count;
		}
		return bytes;
	}

	/**
	 * Read and discard everything until the stream ends, with a timeout of its own.
	 * @param timeout how long to wait for the end of the stream
	 * @return {@code true} when the stream ended (or the connection was reset) in time,
	 * {@code false} when it was still open
	 * @throws UncheckedIOException when the read fails otherwise
	 */
	boolean awaitEnd(Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		try {
			while (true) {
				long left = Math.max(1, (end - System.nanoTime()) / 1_000_000);
				this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
				if (this.in.read() == -1) {
					return true;
				}
				if (System.nanoTime() >= end) {
					return false;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			// A reset counts as closed
			return true;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void setTimeout() throws IOException {
		long left = (this.deadline - System.nanoTime()) / 1_000_000;
		if (left <= 0) {
			throw new SocketTimeoutException("Deadline passed");
		}
		this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
	}

	private static void closeQuietly(@Nullable Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Closed anyway
			}
		}
	}

}
