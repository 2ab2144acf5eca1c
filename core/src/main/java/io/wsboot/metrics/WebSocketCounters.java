package io.wsboot.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * The counters of a {@code NettyWebSocketServer}, read by {@code stats()} and by the
 * Micrometer binder. Message and byte counters are plain adders incremented on the hot
 * path; handshakes by status and closes by code are kept per key, and a listener learns
 * of each new key so that a meter can follow it.
 *
 * @since 0.1.0
 */
public final class WebSocketCounters {

	private static final int[] KNOWN_STATUSES = { 101, 400, 403, 405, 426, 500, 503 };

	private static final int[] KNOWN_CODES = { 1000, 1001, 1002, 1003, 1006, 1007, 1008, 1009, 1011 };

	/**
	 * Key under which statuses and codes are counted once {@link #MAX_KEYS} exist.
	 */
	public static final int OTHER = -1;

	private static final int MAX_KEYS = 64;

	private final LongAdder accepted = new LongAdder();

	private final LongAdder closed = new LongAdder();

	private final LongAdder rejectedHandshakes = new LongAdder();

	private final LongAdder textReceived = new LongAdder();

	private final LongAdder binaryReceived = new LongAdder();

	private final LongAdder textSent = new LongAdder();

	private final LongAdder binarySent = new LongAdder();

	private final LongAdder bytesReceived = new LongAdder();

	private final LongAdder bytesSent = new LongAdder();

	private final LongAdder pushDropped = new LongAdder();

	private final Map<Integer, LongAdder> handshakesByStatus = new ConcurrentHashMap<>();

	private final Map<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();

	private volatile @Nullable KeyListener listener;

	/**
	 * Create counters, with the usual handshake statuses and close codes at zero.
	 */
	public WebSocketCounters() {
		for (int status : KNOWN_STATUSES) {
			this.handshakesByStatus.put(status, new LongAdder());
		}
		for (int code : KNOWN_CODES) {
			this.closesByCode.put(code, new LongAdder());
		}
	}

	/**
	 * A handshake was accepted: its connection is established.
	 */
	public void accepted() {
		this.accepted.increment();
		handshake(101);
	}

	/**
	 * A handshake was refused.
	 * @param status the HTTP status it was answered with
	 */
	public void rejected(int status) {
		this.rejectedHandshakes.increment();
		handshake(status);
	}

	private void handshake(int status) {
		adder(this.handshakesByStatus, Key.HANDSHAKE_STATUS, status).increment();
	}

	/**
	 * A connection closed.
	 * @param code the close code of its close event
	 */
	public void closed(int code) {
		this.closed.increment();
		adder(this.closesByCode, Key.CLOSE_CODE, code).increment();
	}

	/**
	 * A message was received.
	 * @param text whether it is text
	 * @param length its payload length
	 */
	public void received(boolean text, int length) {
		(text ? this.textReceived : this.binaryReceived).increment();
		this.bytesReceived.add(length);
	}

	/**
	 * A frame was pushed.
	 * @param message whether it is a text or binary message, rather than a fragment or a
	 * control frame
	 * @param text whether it is text
	 * @param length its payload length
	 */
	public void sent(boolean message, boolean text, int length) {
		if (message) {
			(text ? this.textSent : this.binarySent).increment();
		}
		this.bytesSent.add(length);
	}

	/**
	 * A push was not sent: no such connection, closing, or a full send buffer.
	 */
	public void dropped() {
		this.pushDropped.increment();
	}

	private LongAdder adder(Map<Integer, LongAdder> adders, Key kind, int key) {
		LongAdder adder = adders.get(key);
		if (adder != null) {
			return adder;
		}
		if (adders.size() >= MAX_KEYS) {
			// A client chooses its close codes: keep the number of meters bounded
			key = OTHER;
			adder = adders.get(key);
			if (adder != null) {
				return adder;
			}
		}
		LongAdder created = new LongAdder();
		adder = adders.putIfAbsent(key, created);
		if (adder != null) {
			return adder;
		}
		KeyListener listener = this.listener;
		if (listener != null) {
			listener.added(kind, key, created);
		}
		return created;
	}

	/**
	 * Set the listener of the per-key counters; it is first told of every key known so
	 * far.
	 * @param listener the listener
	 */
	public synchronized void setKeyListener(KeyListener listener) {
		this.listener = listener;
		this.handshakesByStatus.forEach((status, adder) -> listener.added(Key.HANDSHAKE_STATUS, status, adder));
		this.closesByCode.forEach((code, adder) -> listener.added(Key.CLOSE_CODE, code, adder));
	}

	/**
	 * Return the number of established connections.
	 * @return the count
	 */
	public long acceptedConnections() {
		return this.accepted.sum();
	}

	/**
	 * Return the number of closed connections.
	 * @return the count
	 */
	public long closedConnections() {
		return this.closed.sum();
	}

	/**
	 * Return the number of refused handshakes.
	 * @return the count
	 */
	public long rejectedHandshakes() {
		return this.rejectedHandshakes.sum();
	}

	/**
	 * Return the number of text messages received.
	 * @return the count
	 */
	public long textReceived() {
		return this.textReceived.sum();
	}

	/**
	 * Return the number of binary messages received.
	 * @return the count
	 */
	public long binaryReceived() {
		return this.binaryReceived.sum();
	}

	/**
	 * Return the number of text messages pushed.
	 * @return the count
	 */
	public long textSent() {
		return this.textSent.sum();
	}

	/**
	 * Return the number of binary messages pushed.
	 * @return the count
	 */
	public long binarySent() {
		return this.binarySent.sum();
	}

	/**
	 * Return the payload bytes received.
	 * @return the count
	 */
	public long bytesReceived() {
		return this.bytesReceived.sum();
	}

	/**
	 * Return the payload bytes pushed.
	 * @return the count
	 */
	public long bytesSent() {
		return this.bytesSent.sum();
	}

	/**
	 * Return the pushes that were not sent.
	 * @return the count
	 */
	public long pushDropped() {
		return this.pushDropped.sum();
	}

	/**
	 * The per-key counters.
	 */
	public enum Key {

		/**
		 * Handshakes by HTTP status.
		 */
		HANDSHAKE_STATUS,

		/**
		 * Closed connections by close code.
		 */
		CLOSE_CODE

	}

	/**
	 * Told of each per-key counter.
	 */
	@FunctionalInterface
	public interface KeyListener {

		/**
		 * A counter exists for a key.
		 * @param kind what is counted
		 * @param key the status or close code
		 * @param adder the counter
		 */
		void added(Key kind, int key, LongAdder adder);

	}

}
