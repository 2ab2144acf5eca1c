package io.wsboot.connection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.wsboot.Frame;
import io.wsboot.Opcode;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.connection.EmbeddedConnection.Sent;
import io.wsboot.server.WebSocketServerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketConnection} with the pipeline that
 * {@link PipelineInitializer} sets up: the message events of its inbound frames, its
 * pushes, its close and the order of its callbacks.
 */
class WebSocketConnectionTests {

	private final List<EmbeddedConnection> opened = new ArrayList<>();

	@AfterEach
	void closeConnections() {
		this.opened.forEach(EmbeddedConnection::close);
	}

	private EmbeddedConnection open(WebSocketServerSettings.Builder settings) {
		EmbeddedConnection connection = new EmbeddedConnection(settings.build());
		this.opened.add(connection);
		return connection;
	}

	private EmbeddedConnection open() {
		return open(WebSocketServerSettings.builder());
	}

	// Inbound

	@Test
	void textFrameIsOneMessageEvent() {
		EmbeddedConnection ws = open();
		ws.receive(new TextWebSocketFrame("héllo"));
		assertThat(ws.messages()).singleElement().satisfies((frame) -> {
			assertThat(frame.getFd()).isEqualTo(EmbeddedConnection.FD);
			assertThat(frame.getOpcode()).isEqualTo(Opcode.TEXT);
			assertThat(frame.isFinish()).isTrue();
			assertThat(frame.getData()).isEqualTo("héllo");
		});
		assertThat(ws.counters.textReceived()).isOne();
		assertThat(ws.counters.bytesReceived()).isEqualTo(6);
		assertThat(ws.connection.info().bytesReceived()).isEqualTo(6);
		assertThat(ws.sent()).isEmpty();
		assertThat(ws.passedOn).as("data frames go straight to the connection").isEmpty();
	}

	@Test
	void binaryFrameIsOneMessageEvent() {
		EmbeddedConnection ws = open();
		ws.receive(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 0, 1, (byte) 0xff })));
		assertThat(ws.messages()).singleElement().satisfies((frame) -> {
			assertThat(frame.getOpcode()).isEqualTo(Opcode.BINARY);
			assertThat(frame.getBytes()).containsExactly(0, 1, 0xff);
		});
		assertThat(ws.counters.binaryReceived()).isOne();
	}

	@Test
	void fragmentedTextIsReassembled() {
		EmbeddedConnection ws = open();
		byte[] text = "héllo wörld".getBytes(StandardCharsets.UTF_8);
		// The first fragment ends inside the two bytes of 'é'
		ws.receive(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(text, 0, 2)));
		ws.receive(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(text, 2, 6)));
		assertThat(ws.messages()).isEmpty();
		ws.receive(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(text, 8, text.length - 8)));
		assertThat(ws.messages()).singleElement().satisfies((frame) -> {
			assertThat(frame.getOpcode()).isEqualTo(Opcode.TEXT);
			assertThat(frame.getData()).isEqualTo("héllo wörld");
		});
		assertThat(ws.counters.textReceived()).isOne();
		assertThat(ws.sent()).isEmpty();
		assertThat(ws.connection.isOpen()).isTrue();
	}

	@Test
	void fragmentedBinaryIsReassembled() {
		EmbeddedConnection ws = open();
		ws.receive(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] { 1, 2 })),
				new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] { 3 })));
		assertThat(ws.messages()).singleElement().satisfies((frame) -> {
			assertThat(frame.getOpcode()).isEqualTo(Opcode.BINARY);
			assertThat(frame.getBytes()).containsExactly(1, 2, 3);
		});
	}

	@Test
	void invalidUtf8InFirstFragmentFailsWith1007BeforeLastFragment() {
		EmbeddedConnection ws = open();
		ws.receive(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] { 'o', 'k', (byte) 0xff })));
		assertThat(ws.sent()).singleElement().satisfies((close) -> {
			assertThat(close.type()).isEqualTo("Close");
			assertThat(close.closeCode()).isEqualTo(1007);
			assertThat(close.closeReason()).isEqualTo("Invalid UTF-8");
		});
		assertThat(ws.channel.isOpen()).as("failed: closed once the close frame is out").isFalse();
		assertThat(ws.connection.closeCode()).isEqualTo(1007);
		assertThat(ws.connection.closedBy()).isEqualTo(ClosedBy.SERVER);
		// What the socket still held is not read
		ContinuationWebSocketFrame last = new ContinuationWebSocketFrame(true, 0, "rest");
		try {
			assertThat(ws.connection.inbound().onFrame(last)).isFalse();
		}
		finally {
			last.release();
		}
		assertThat(ws.messages()).isEmpty();
		assertThat(ws.counters.textReceived()).isZero();
	}

	@Test
	void invalidUtf8InWholeMessageFailsWith1007() {
		EmbeddedConnection ws = open();
		// An overlong encoding of '/'
		ws.receive(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { (byte) 0xc0, (byte) 0xaf })));
		assertThat(ws.sent()).extracting(Sent::closeCode).containsExactly(1007);
		assertThat(ws.channel.isOpen()).isFalse();
		assertThat(ws.messages()).isEmpty();
	}

	@Test
	void messageOverMaxMessageSizeClosesWith1009() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().maxMessageSize(16));
		ws.receive(new TextWebSocketFrame("sixteen bytes!!!"));
		assertThat(ws.messages()).extracting(Frame::getData).containsExactly("sixteen bytes!!!");
		ws.receive(new TextWebSocketFrame("seventeen bytes!!"));
		assertThat(ws.sent()).singleElement().satisfies((close) -> {
			assertThat(close.closeCode()).isEqualTo(1009);
			assertThat(close.closeReason()).isEqualTo("Message too big");
		});
		assertThat(ws.messages()).hasSize(1);
		assertThat(ws.connection.isOpen()).isFalse();
		assertThat(ws.connection.closeCode()).isEqualTo(1009);
		assertThat(ws.connection.closedBy()).isEqualTo(ClosedBy.SERVER);
		assertThat(ws.channel.isOpen()).as("waits for the client's close frame").isTrue();
	}

	@Test
	void fragmentedMessageOverMaxMessageSizeClosesWith1009() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().maxMessageSize(16));
		ws.receive(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[10])));
		assertThat(ws.sent()).isEmpty();
		ws.receive(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[7])));
		assertThat(ws.sent()).extracting(Sent::closeCode).containsExactly(1009);
		ws.receive(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[1])));
		assertThat(ws.messages()).isEmpty();
		assertThat(ws.sent()).isEmpty();
	}

	@Test
	void pingIsAnsweredWithPongAndNotDelivered() {
		EmbeddedConnection ws = open();
		ws.receive(new PingWebSocketFrame(Unpooled.wrappedBuffer("are you there".getBytes(StandardCharsets.UTF_8))));
		assertThat(ws.sent()).singleElement().satisfies((pong) -> {
			assertThat(pong.type()).isEqualTo("Pong");
			assertThat(pong.text()).isEqualTo("are you there");
		});
		assertThat(ws.messages()).isEmpty();
	}

	@Test
	void pingIsDeliveredWhenDeliverPingFramesAndAnsweredWithPong() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().deliverPingFrames(true));
		ws.receive(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 4, 2 })));
		assertThat(ws.messages()).singleElement().satisfies((frame) -> {
			assertThat(frame.getOpcode()).isEqualTo(Opcode.PING);
			assertThat(frame.getBytes()).containsExactly(4, 2);
		});
		assertThat(ws.sent()).singleElement().satisfies((pong) -> {
			assertThat(pong.type()).isEqualTo("Pong");
			assertThat(pong.payload()).containsExactly(4, 2);
		});
		assertThat(ws.counters.binaryReceived()).as("control frames are not messages received").isZero();
	}

	@Test
	void pongIsDeliveredOnlyWhenDeliverPongFrames() {
		EmbeddedConnection quiet = open();
		quiet.receive(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 1 })));
		assertThat(quiet.messages()).isEmpty();
		EmbeddedConnection delivering = open(WebSocketServerSettings.builder().deliverPongFrames(true));
		delivering.receive(new PongWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 1 })));
		assertThat(delivering.messages()).extracting(Frame::getOpcode).containsExactly(Opcode.PONG);
		assertThat(delivering.sent()).isEmpty();
	}

	// Outbound

	@Test
	void pushesAreEncodedFrames() {
		EmbeddedConnection ws = open();
		FrameWriter writer = ws.connection.writer();
		assertThat(writer.encodesFrames()).isTrue();
		byte[] large = new byte[70_000];
		Arrays.fill(large, (byte) 7);
		assertThat(writer.text("héllo")).isTrue();
		assertThat(writer.binary(new byte[] { 1, 2, 3 })).isTrue();
		assertThat(writer.binary(large)).isTrue();
		assertThat(writer.frame("frag".getBytes(StandardCharsets.UTF_8), Opcode.TEXT, false)).isTrue();
		assertThat(writer.frame("ment".getBytes(StandardCharsets.UTF_8), Opcode.CONTINUATION, true)).isTrue();
		assertThat(writer.frame(new byte[] { 9 }, Opcode.PING, true)).isTrue();
		ByteBuf shared = OutboundFrames.text(ws.channel.alloc(), "to all");
		try {
			assertThat(writer.shared(shared, OutboundFrames.payloadLength(shared), true)).isTrue();
		}
		finally {
			shared.release();
		}
		List<Sent> sent = ws.sent();
		assertThat(sent).extracting(Sent::type)
			.containsExactly("Text", "Binary", "Binary", "Text", "Continuation", "Ping", "Text");
		assertThat(sent).extracting(Sent::fin).containsExactly(true, true, true, false, true, true, true);
		assertThat(sent.get(0).text()).isEqualTo("héllo");
		assertThat(sent.get(1).payload()).containsExactly(1, 2, 3);
		assertThat(sent.get(2).payload()).isEqualTo(large);
		assertThat(sent.get(3).text() + sent.get(4).text()).isEqualTo("fragment");
		assertThat(sent.get(5).payload()).containsExactly(9);
		assertThat(sent.get(6).text()).isEqualTo("to all");
		assertThat(ws.counters.textSent()).isEqualTo(3);
		assertThat(ws.counters.binarySent()).isEqualTo(2);
		assertThat(ws.counters.bytesSent()).isEqualTo(6 + 3 + 70_000 + 4 + 4 + 1 + 6);
		assertThat(ws.counters.pushDropped()).isZero();
	}

	@Test
	void pushAfterCloseReturnsFalseAndCountsDroppedPush() {
		EmbeddedConnection ws = open();
		assertThat(ws.connection.close(1000, "bye")).isTrue();
		assertThat(ws.sent()).extracting(Sent::type).containsExactly("Close");
		assertThat(ws.connection.writer().text("late")).isFalse();
		assertThat(ws.connection.writer().binary(new byte[1])).isFalse();
		assertThat(ws.connection.writer().frame(new byte[1], Opcode.PONG, true)).isFalse();
		assertThat(ws.sent()).as("nothing follows the close frame").isEmpty();
		assertThat(ws.counters.pushDropped()).isEqualTo(3);
		assertThat(ws.counters.textSent()).isZero();
	}

	@Test
	void fullSendBufferDropsPush() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().sendBufferSize(64));
		fillSendBuffer(ws);
		assertThat(ws.connection.isWritable()).isFalse();
		assertThat(ws.connection.writer().text("dropped")).isFalse();
		assertThat(ws.counters.pushDropped()).isOne();
		assertThat(ws.connection.isOpen()).isTrue();
		ws.channel.flush();
		drainFiller(ws);
		assertThat(ws.sent()).isEmpty();
		assertThat(ws.connection.writer().text("sent")).isTrue();
		assertThat(ws.sent()).extracting(Sent::text).containsExactly("sent");
	}

	@Test
	void fullSendBufferClosesWith1008WhenCloseOnSendBufferOverflow() {
		EmbeddedConnection ws = open(
				WebSocketServerSettings.builder().sendBufferSize(64).closeOnSendBufferOverflow(true));
		fillSendBuffer(ws);
		assertThat(ws.connection.writer().text("too much")).isFalse();
		assertThat(ws.counters.pushDropped()).isOne();
		assertThat(ws.connection.isOpen()).isFalse();
		assertThat(ws.connection.closeCode()).isEqualTo(1008);
		drainFiller(ws);
		assertThat(ws.sent()).singleElement().satisfies((close) -> {
			assertThat(close.closeCode()).isEqualTo(1008);
			assertThat(close.closeReason()).isEqualTo("Send buffer overflow");
		});
	}

	private static void fillSendBuffer(EmbeddedConnection ws) {
		assertThat(ws.connection.isWritable()).isTrue();
		// Written, not flushed: it waits in the send buffer, above its high water mark
		ws.channel.write(Unpooled.wrappedBuffer(new byte[65]));
	}

	private static void drainFiller(EmbeddedConnection ws) {
		ByteBuf filler = ws.channel.readOutbound();
		assertThat(filler.readableBytes()).isEqualTo(65);
		filler.release();
	}

	// Order of callbacks

	@Test
	void executeRunsInlineOnEventLoopAndExecuteLaterAfterInOrder() {
		EmbeddedConnection ws = open();
		List<String> order = new ArrayList<>();
		List<CallbackContext.Target> contexts = new ArrayList<>();
		ws.connection.execute(() -> {
			contexts.add(CallbackContext.current());
			order.add("first");
			ws.connection.executeLater(() -> {
				contexts.add(CallbackContext.current());
				order.add("third");
			});
			ws.connection.executeLater(() -> order.add("fourth"));
			ws.connection.execute(() -> {
				contexts.add(CallbackContext.current());
				order.add("second");
			});
		});
		assertThat(order).containsExactly("first", "second");
		ws.channel.runPendingTasks();
		assertThat(order).containsExactly("first", "second", "third", "fourth");
		assertThat(contexts).containsExactly(ws.connection, ws.connection, ws.connection);
		assertThat(CallbackContext.current()).as("left after each callback").isNull();
	}

	@Test
	void messageListenerRunsInConnectionContextAndItsDeferredTasksAfterIt() {
		EmbeddedConnection ws = open();
		List<String> order = new ArrayList<>();
		ws.onEvent((event) -> {
			String text = ((WebSocketMessageEvent) event).getFrame().getData();
			order.add(text);
			CallbackContext.Target target = CallbackContext.current();
			assertThat(target).isNotNull();
			target.defer(() -> order.add("after " + text));
		});
		ws.receive(new TextWebSocketFrame("one"), new TextWebSocketFrame("two"));
		assertThat(ws.eventContexts).containsExactly(ws.connection, ws.connection);
		assertThat(order).containsExactly("one", "two", "after one", "after two");
		assertThat(CallbackContext.current()).isNull();
	}

	@Test
	void callbacksOnWorkerRunQueuedInOrderInConnectionContext() {
		ConcurrentLinkedQueue<Runnable> worker = new ConcurrentLinkedQueue<>();
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().worker(worker::add));
		List<String> order = new ArrayList<>();
		List<CallbackContext.Target> contexts = new ArrayList<>();
		ws.connection.execute(() -> {
			contexts.add(CallbackContext.current());
			order.add("a");
			ws.connection.execute(() -> order.add("c"));
		});
		ws.connection.executeLater(() -> order.add("b"));
		ws.receive(new TextWebSocketFrame("message"));
		assertThat(order).as("nothing runs on the event loop").isEmpty();
		assertThat(ws.messages()).isEmpty();
		assertThat(ws.passedOn).as("data frames go through Reactor Netty's flux").containsExactly("TextWebSocketFrame");
		for (Runnable task; (task = worker.poll()) != null;) {
			task.run();
		}
		assertThat(order).containsExactly("a", "b", "c");
		assertThat(contexts).containsExactly(ws.connection);
		assertThat(ws.messages()).extracting(Frame::getData).containsExactly("message");
		assertThat(ws.eventContexts).containsExactly(ws.connection);
	}

	@Test
	void callbacksOnThreadPoolRunOneAtATimeInOrder() throws InterruptedException {
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			EmbeddedConnection ws = open(WebSocketServerSettings.builder().worker(pool));
			int tasks = 2000;
			List<Integer> order = new CopyOnWriteArrayList<>();
			AtomicInteger running = new AtomicInteger();
			AtomicInteger overlaps = new AtomicInteger();
			CountDownLatch done = new CountDownLatch(tasks);
			for (int i = 0; i < tasks; i++) {
				int index = i;
				Runnable task = () -> {
					if (running.incrementAndGet() != 1 || CallbackContext.current() != ws.connection) {
						overlaps.incrementAndGet();
					}
					order.add(index);
					running.decrementAndGet();
					done.countDown();
				};
				if (i % 2 == 0) {
					ws.connection.execute(task);
				}
				else {
					ws.connection.executeLater(task);
				}
			}
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(overlaps).hasValue(0);
			assertThat(order).hasSize(tasks).isSorted();
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void workerThatRefusesTaskClosesWith1011() {
		EmbeddedConnection ws = open(WebSocketServerSettings.builder().worker((task) -> {
			throw new RejectedExecutionException("full");
		}));
		ws.connection.execute(() -> {
		});
		assertThat(ws.sent()).singleElement().satisfies((close) -> {
			assertThat(close.closeCode()).isEqualTo(1011);
			assertThat(close.closeReason()).isEqualTo("Listener executor overloaded");
		});
		assertThat(ws.connection.closedBy()).isEqualTo(ClosedBy.SERVER);
	}

	// Close

	@Test
	void closeWritesOneCloseFrame() {
		EmbeddedConnection ws = open();
		assertThat(ws.connection.isOpen()).isTrue();
		assertThat(ws.connection.close(4000, "done")).isTrue();
		assertThat(ws.connection.close(4001, "again")).isFalse();
		assertThat(ws.sent()).singleElement().satisfies((close) -> {
			assertThat(close.closeCode()).isEqualTo(4000);
			assertThat(close.closeReason()).isEqualTo("done");
		});
		assertThat(ws.connection.isOpen()).isFalse();
		assertThat(ws.connection.isBroadcastable()).isFalse();
		assertThat(ws.connection.info().established()).isFalse();
	}

	@Test
	void markClosedMovesOnceAndReadsNoMore() {
		EmbeddedConnection ws = open();
		ws.receive(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] { 1 })));
		assertThat(ws.connection.markClosed()).isTrue();
		assertThat(ws.connection.isClosed()).isTrue();
		assertThat(ws.connection.markClosed()).isFalse();
		ContinuationWebSocketFrame last = new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[1]));
		try {
			assertThat(ws.connection.inbound().onFrame(last)).isFalse();
		}
		finally {
			last.release();
		}
		assertThat(ws.messages()).isEmpty();
		assertThat(ws.connection.closeCode()).isEqualTo(1006);
	}

	@Test
	void broadcastsReachConnectionOnceAccepted() {
		EmbeddedConnection ws = open();
		assertThat(ws.connection.isBroadcastable()).isFalse();
		ws.connection.acceptBroadcasts();
		assertThat(ws.connection.isBroadcastable()).isTrue();
	}

}
