package io.wsboot.test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.wsboot.test.WebSocketTestConnection.Binary;
import io.wsboot.test.WebSocketTestConnection.Closed;
import io.wsboot.test.WebSocketTestConnection.Failed;
import io.wsboot.test.WebSocketTestConnection.Text;
import org.jspecify.annotations.Nullable;

/**
 * The {@link WebSocket.Listener} of a {@link WebSocketTestConnection}, which queues what
 * the JDK client receives, in order: each message once its last fragment arrives (as a
 * {@link Text} or a {@link Binary}), then the close frame (a {@link Closed}) or the error
 * that ended the connection (a {@link Failed}). The end, once queued, is never taken off:
 * {@link #next(Duration)} returns it again and again.
 * <p>
 * The JDK client calls the listener on its own threads, one call at a time; the queue may
 * be read by the test's thread meanwhile.
 */
final class MessageQueue implements WebSocket.Listener {

	private final URI uri;

	private final BlockingDeque<Object> received = new LinkedBlockingDeque<>();

	private final CompletableFuture<Void> ended = new CompletableFuture<>();

	private final StringBuilder text = new StringBuilder();

	private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

	/**
	 * Create a queue for a connection.
	 * @param uri the URI of the connection, for the messages of errors
	 */
	MessageQueue(URI uri) {
		this.uri = uri;
	}

	/**
	 * Return whether an item is the end of the connection: its close frame or the error
	 * that ended it.
	 * @param item an item of the queue
	 * @return whether it is the end
	 */
	static boolean isEnd(Object item) {
		return item instanceof Closed || item instanceof Failed;
	}

	/**
	 * Wait for the next item and take it off, unless it is the end, which stays.
	 * @param timeout how long to wait
	 * @return the item, or {@code null} when none came in time
	 * @throws AssertionError when the thread is interrupted
	 */
	@Nullable Object next(Duration timeout) {
		Object item;
		try {
			item = this.received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for a message from " + this.uri, ex);
		}
		if (item != null && isEnd(item)) {
			this.received.addFirst(item);
		}
		return item;
	}

	/**
	 * Return the items still queued.
	 * @return a copy of the items, in order
	 */
	List<Object> pending() {
		return new ArrayList<>(this.received);
	}

	/**
	 * Return whether the connection ended: a close frame was received or the connection
	 * failed.
	 * @return whether the connection ended
	 */
	boolean isEnded() {
		return this.ended.isDone();
	}

	/**
	 * Wait for the end of the connection.
	 * @param timeout how long to wait
	 * @throws TimeoutException when the connection did not end in time
	 * @throws InterruptedException when the thread is interrupted
	 */
	void awaitEnd(Duration timeout) throws TimeoutException, InterruptedException {
		try {
			this.ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("The end of a connection never completes exceptionally", ex);
		}
	}

	@Override
	public synchronized @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.text.append(data);
		if (last) {
			this.received.add(new Text(this.text.toString()));
			this.text.setLength(0);
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public synchronized @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		this.binary.writeBytes(bytes);
		if (last) {
			this.received.add(new Binary(this.binary.toByteArray()));
			this.binary.reset();
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.received.add(new Closed(statusCode, reason));
		this.ended.complete(null);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.received.add(new Failed(error));
		this.ended.complete(null);
	}

}
