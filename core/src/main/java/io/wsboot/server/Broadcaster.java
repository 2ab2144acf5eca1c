package io.wsboot.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongPredicate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.wsboot.connection.OutboundFrames;
import io.wsboot.connection.WebSocketConnection;
import org.jspecify.annotations.Nullable;

/**
 * Sends one message to many connections: encoded once, written right away to the
 * connections of the calling event loop and in one task per event loop to the others.
 */
final class Broadcaster {

	private final ConnectionRegistry registry;

	Broadcaster(ConnectionRegistry registry) {
		this.registry = registry;
	}

	int text(String text, LongPredicate filter) {
		ByteBuf frame = OutboundFrames.text(ByteBufAllocator.DEFAULT, text);
		return broadcast(frame, OutboundFrames.payloadLength(frame), true, filter);
	}

	int binary(byte[] data, LongPredicate filter) {
		return broadcast(OutboundFrames.binary(ByteBufAllocator.DEFAULT, data), data.length, false, filter);
	}

	/**
	 * Send one encoded frame to every connection that the filter selects.
	 * @return the connections written to, or to be written to by their event loop because
	 * they are writable now
	 */
	private int broadcast(ByteBuf frame, int length, boolean text, LongPredicate filter) {
		int count = 0;
		@Nullable Map<EventLoop, List<WebSocketConnection>> later = null;
		try {
			for (WebSocketConnection connection : this.registry.all()) {
				if (connection.isBroadcastable() && filter.test(connection.fd())) {
					EventLoop loop = connection.eventLoop();
					if (loop.inEventLoop()) {
						if (connection.writer().shared(frame, length, text)) {
							count++;
						}
					}
					else {
						if (later == null) {
							later = new HashMap<>();
						}
						later.computeIfAbsent(loop, (key) -> new ArrayList<>()).add(connection);
						// Its event loop writes it if it is still open and writable then
						if (connection.isWritable()) {
							count++;
						}
					}
				}
			}
			if (later != null) {
				later.forEach((loop, targets) -> sendLater(loop, targets, frame, length, text));
			}
		}
		finally {
			frame.release();
		}
		return count;
	}

	private static void sendLater(EventLoop loop, List<WebSocketConnection> targets, ByteBuf frame, int length,
			boolean text) {
		frame.retain();
		try {
			loop.execute(() -> {
				try {
					for (WebSocketConnection connection : targets) {
						if (connection.isOpen()) {
							connection.writer().shared(frame, length, text);
						}
					}
				}
				finally {
					frame.release();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// The event loop is shutting down, and its connections with it
			frame.release();
		}
	}

}
