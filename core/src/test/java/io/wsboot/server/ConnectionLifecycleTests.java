package io.wsboot.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.wsboot.Opcode;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.WebSocketMessageEvent;
import io.wsboot.WebSocketOpenEvent;
import io.wsboot.WebSocketServer;
import io.wsboot.connection.CallbackContext;
import io.wsboot.connection.TestHandshakeRequest;
import io.wsboot.connection.WebSocketConnection;
import io.wsboot.event.WebSocketEventPublisher;
import io.wsboot.metrics.WebSocketCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyPipeline;
import reactor.netty.http.websocket.WebsocketOutbound;

import org.springframework.context.ApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ConnectionLifecycle} with connections on embedded channels.
 */
class ConnectionLifecycleTests {

	private final EmbeddedChannel channel = new EmbeddedChannel();

	private final TestWebsocketInbound inbound = new TestWebsocketInbound(this.channel);

	private final WebsocketOutbound outbound = mock(WebsocketOutbound.class);

	private final ConnectionRegistry registry = new ConnectionRegistry(-1);

	private final WebSocketCounters counters = new WebSocketCounters();

	private final List<ApplicationEvent> events = new CopyOnWriteArrayList<>();

	private final List<String> order = new CopyOnWriteArrayList<>();

	private final EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true),
			new WebSocket13FrameDecoder(false, false, 65536));

	private WebSocketServerSettings settings = WebSocketServerSettings.builder().build();

	@AfterEach
	void releaseChannel() {
		this.channel.finishAndReleaseAll();
		this.client.finishAndReleaseAll();
	}

	private ConnectionLifecycle lifecycle(boolean start) {
		this.channel.pipeline()
			.addLast("wsencoder", new WebSocket13FrameEncoder(false))
			.addLast("wsdecoder", new WebSocket13FrameDecoder(true, false, 65536))
			.addLast(NettyPipeline.ReactiveBridge, new ChannelInboundHandlerAdapter() {

				@Override
				public void channelRead(ChannelHandlerContext ctx, Object msg) {
					ConnectionLifecycleTests.this.inbound.frames.tryEmitNext((WebSocketFrame) msg);
					ReferenceCountUtil.release(msg);
				}

			});
		WebSocketEventPublisher publisher = new WebSocketEventPublisher(mock(WebSocketServer.class), (event) -> {
			this.events.add((ApplicationEvent) event);
			this.order.add(event.getClass().getSimpleName());
		});
		ConnectionLifecycle lifecycle = new ConnectionLifecycle(this.settings, this.registry,
				new TimerService(Schedulers.immediate(), null), this.counters, publisher);
		if (start) {
			lifecycle.start();
		}
		return lifecycle;
	}

	private WebSocketConnection establish(ConnectionLifecycle lifecycle, Runnable... deferred) {
		lifecycle.established(this.inbound, this.outbound, new TestHandshakeRequest(5, "/ws"), Map.of(), null,
				List.of(deferred), true);
		WebSocketConnection connection = this.registry.get(5);
		assertThat(connection).isNotNull();
		return connection;
	}

	/**
	 * Return the close frames the server wrote, as code and reason.
	 */
	private List<String> sentCloseFrames() {
		for (Object written; (written = this.channel.readOutbound()) != null;) {
			this.client.writeInbound(written);
		}
		List<String> frames = new ArrayList<>();
		for (WebSocketFrame frame; (frame = this.client.readInbound()) != null;) {
			if (frame instanceof CloseWebSocketFrame close) {
				frames.add(close.statusCode() + " " + close.reasonText());
			}
			frame.release();
		}
		return frames;
	}

	/**
	 * A client sends a frame, masked and encoded.
	 */
	private void receive(WebSocketFrame frame) {
		this.client.writeOutbound(frame);
		for (ByteBuf encoded; (encoded = this.client.readOutbound()) != null;) {
			this.channel.writeInbound(encoded);
		}
	}

	@Test
	void establishedConnectionIsRegisteredAndPublishesOpenEventThenDeferredTasks() {
		ConnectionLifecycle lifecycle = lifecycle(true);
		List<CallbackContext.Target> contexts = new ArrayList<>();
		WebSocketConnection connection = establish(lifecycle, () -> {
			this.order.add("deferred");
			contexts.add(CallbackContext.current());
		});
		assertThat(this.order).containsExactly("WebSocketOpenEvent", "deferred");
		assertThat(this.events.get(0)).isInstanceOfSatisfying(WebSocketOpenEvent.class,
				(event) -> assertThat(event.getFd()).isEqualTo(5));
		assertThat(contexts).containsExactly(connection);
		assertThat(connection.isBroadcastable()).isTrue();
		assertThat(this.counters.acceptedConnections()).isOne();
		assertThat(this.channel.pipeline().names()).contains("wsboot.frames");
	}

	@Test
	void closeStatusOfClientMakesCloseEventOfClient() {
		ConnectionLifecycle lifecycle = lifecycle(true);
		establish(lifecycle);
		this.inbound.closeStatus.tryEmitValue(new WebSocketCloseStatus(4000, "bye"));
		this.channel.close();
		this.channel.runPendingTasks();
		assertThat(this.events).last().isInstanceOfSatisfying(WebSocketCloseEvent.class, (event) -> {
			assertThat(event.getCode()).isEqualTo(4000);
			assertThat(event.getReason()).isEqualTo("bye");
			assertThat(event.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
		});
		assertThat(this.registry.isEmpty()).isTrue();
		assertThat(this.counters.closedConnections()).isOne();
	}

	@Test
	void closeStatusOfClientIsMessageWhenDeliverCloseFrames() {
		this.settings = WebSocketServerSettings.builder().deliverCloseFrames(true).build();
		ConnectionLifecycle lifecycle = lifecycle(true);
		establish(lifecycle);
		this.inbound.closeStatus.tryEmitValue(new WebSocketCloseStatus(4000, "bye"));
		assertThat(this.events).last().isInstanceOfSatisfying(WebSocketMessageEvent.class, (event) -> {
			assertThat(event.getFrame().getOpcode()).isEqualTo(Opcode.CLOSE);
			assertThat(event.getFrame().getBytes()).containsExactly(0x0f, 0xa0, 'b', 'y', 'e');
		});
	}

	@Test
	void closeOfServerMakesCloseEventOfServerOnceClientAnswers() {
		ConnectionLifecycle lifecycle = lifecycle(true);
		WebSocketConnection connection = establish(lifecycle);
		assertThat(connection.close(4002, "kicked")).isTrue();
		assertThat(sentCloseFrames()).containsExactly("4002 kicked");
		assertThat(this.order).doesNotContain("WebSocketCloseEvent");
		receive(new CloseWebSocketFrame(4002, "kicked"));
		assertThat(this.channel.isOpen()).isFalse();
		this.channel.runPendingTasks();
		assertThat(this.events).last().isInstanceOfSatisfying(WebSocketCloseEvent.class, (event) -> {
			assertThat(event.getCode()).isEqualTo(4002);
			assertThat(event.getReason()).isEqualTo("kicked");
			assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
		});
	}

	@Test
	void framesThroughReactorNettyBecomeMessagesOnWorker() {
		ConcurrentLinkedQueue<Runnable> worker = new ConcurrentLinkedQueue<>();
		this.settings = WebSocketServerSettings.builder().worker(worker::add).build();
		ConnectionLifecycle lifecycle = lifecycle(true);
		establish(lifecycle);
		receive(new TextWebSocketFrame("one"));
		receive(new TextWebSocketFrame("two"));
		assertThat(this.order).isEmpty();
		for (Runnable task; (task = worker.poll()) != null;) {
			task.run();
		}
		assertThat(this.events).filteredOn(WebSocketMessageEvent.class::isInstance)
			.extracting((event) -> ((WebSocketMessageEvent) event).getFrame().getData())
			.containsExactly("one", "two");
		assertThat(this.order).first().isEqualTo("WebSocketOpenEvent");
	}

	@Test
	void connectionWhileNotAcceptingIsClosedWith1001() {
		ConnectionLifecycle lifecycle = lifecycle(false);
		WebSocketConnection connection = establish(lifecycle);
		assertThat(connection.isOpen()).isFalse();
		assertThat(connection.closeCode()).isEqualTo(1001);
		assertThat(sentCloseFrames()).containsExactly("1001 Server shutting down");
	}

	@Test
	void connectionThatCannotBeSetUpIsClosedWith1011() {
		this.channel.pipeline().addLast(NettyPipeline.ReactiveBridge, new ChannelInboundHandlerAdapter());
		ConnectionLifecycle lifecycle = new ConnectionLifecycle(this.settings, this.registry,
				new TimerService(Schedulers.immediate(), null), this.counters, new WebSocketEventPublisher(
						mock(WebSocketServer.class), (event) -> this.events.add((ApplicationEvent) event)));
		lifecycle.start();
		lifecycle.established(this.inbound, this.outbound, new TestHandshakeRequest(5, "/ws"), Map.of(), null,
				List.of(), true);
		then(this.outbound).should().sendClose(1011, "Internal error");
		assertThat(this.registry.isEmpty()).isTrue();
		assertThat(this.events).isEmpty();
		assertThat(this.counters.acceptedConnections()).isZero();
	}

}
