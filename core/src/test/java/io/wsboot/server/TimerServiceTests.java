package io.wsboot.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.wsboot.WebSocketCloseEvent;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.WebSocketServer;
import io.wsboot.connection.CallbackContext;
import io.wsboot.connection.TestHandshakeRequest;
import io.wsboot.connection.WebSocketConnection;
import io.wsboot.event.WebSocketEventPublisher;
import io.wsboot.metrics.WebSocketCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyPipeline;
import reactor.netty.http.websocket.WebsocketOutbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link TimerService}.
 */
class TimerServiceTests {

	private final Scheduler scheduler = Schedulers.newSingle("timers");

	private final TimerService timers = new TimerService(this.scheduler, null);

	private final WebSocketServerSettings settings = WebSocketServerSettings.builder().build();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final WebSocketEventPublisher publisher = new WebSocketEventPublisher(mock(WebSocketServer.class),
			this.events::add);

	private final Map<WebSocketConnection, EmbeddedChannel> channels = new HashMap<>();

	@AfterEach
	void release() {
		this.timers.clearAll();
		this.scheduler.dispose();
		this.channels.values().forEach(EmbeddedChannel::finishAndReleaseAll);
	}

	private WebSocketConnection connection(long fd) {
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.freezeTime();
		WebSocketConnection connection = new WebSocketConnection(channel, new TestHandshakeRequest(fd, "/ws"), Map.of(),
				null, this.settings, new WebSocketCounters(), this.publisher);
		this.channels.put(connection, channel);
		return connection;
	}

	private void advance(WebSocketConnection connection, Duration duration) {
		EmbeddedChannel channel = this.channels.get(connection);
		channel.advanceTimeBy(duration.toMillis(), TimeUnit.MILLISECONDS);
		channel.runScheduledPendingTasks();
	}

	@Test
	void connectionBoundTimerIsClearedWhenItsConnectionCloses() {
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.freezeTime();
		channel.pipeline()
			.addLast("wsencoder", new WebSocket13FrameEncoder(false))
			.addLast("wsdecoder", new WebSocket13FrameDecoder(true, false, 65536))
			.addLast(NettyPipeline.ReactiveBridge, new ChannelInboundHandlerAdapter());
		ConnectionRegistry registry = new ConnectionRegistry(-1);
		ConnectionLifecycle lifecycle = new ConnectionLifecycle(this.settings, registry, this.timers,
				new WebSocketCounters(), this.publisher);
		lifecycle.start();
		lifecycle.established(new TestWebsocketInbound(channel), mock(WebsocketOutbound.class),
				new TestHandshakeRequest(3, "/ws"), Map.of(), null, List.of(), true);
		WebSocketConnection connection = registry.get(3);
		assertThat(connection).isNotNull();
		this.channels.put(connection, channel);
		AtomicInteger ticks = new AtomicInteger();
		AtomicInteger afters = new AtomicInteger();
		long tick = this.timers.tick(connection, Duration.ofSeconds(1), ticks::incrementAndGet);
		long after = this.timers.after(connection, Duration.ofSeconds(5), afters::incrementAndGet);
		assertThat(connection.timers()).containsExactlyInAnyOrder(tick, after);
		channel.advanceTimeBy(1, TimeUnit.SECONDS);
		channel.runScheduledPendingTasks();
		assertThat(ticks).hasValue(1);
		channel.close();
		channel.runPendingTasks();
		assertThat(this.timers.size()).isZero();
		assertThat(connection.timers()).isEmpty();
		assertThat(this.timers.clear(tick)).isFalse();
		channel.advanceTimeBy(10, TimeUnit.SECONDS);
		channel.runScheduledPendingTasks();
		assertThat(ticks).hasValue(1);
		assertThat(afters).hasValue(0);
		assertThat(registry.isEmpty()).isTrue();
		assertThat(this.events).last().isInstanceOfSatisfying(WebSocketCloseEvent.class, (event) -> {
			assertThat(event.getCode()).isEqualTo(1006);
			assertThat(event.getClosedBy()).isEqualTo(ClosedBy.CLIENT);
		});
	}

	@Test
	void clearAllOfConnectionClearsOnlyItsTimers() {
		WebSocketConnection first = connection(1);
		WebSocketConnection second = connection(2);
		this.timers.tick(first, Duration.ofSeconds(1), () -> {
		});
		long kept = this.timers.tick(second, Duration.ofSeconds(1), () -> {
		});
		long global = this.timers.tick(Duration.ofHours(1), () -> {
		});
		this.timers.clearAll(first);
		assertThat(first.timers()).isEmpty();
		assertThat(second.timers()).containsExactly(kept);
		assertThat(this.timers.size()).isEqualTo(2);
		assertThat(this.timers.clear(global)).isTrue();
	}

	@Test
	void connectionBoundAfterUnregistersItselfOnceRun() {
		WebSocketConnection connection = connection(1);
		List<CallbackContext.Target> contexts = new ArrayList<>();
		long id = this.timers.after(connection, Duration.ofSeconds(10), () -> contexts.add(CallbackContext.current()));
		assertThat(id).isPositive();
		assertThat(this.timers.size()).isOne();
		assertThat(connection.timers()).containsExactly(id);
		advance(connection, Duration.ofMillis(9999));
		assertThat(contexts).isEmpty();
		advance(connection, Duration.ofMillis(1));
		assertThat(contexts).as("in the connection's order").containsExactly(connection);
		assertThat(this.timers.size()).isZero();
		assertThat(connection.timers()).isEmpty();
		assertThat(this.timers.clear(id)).isFalse();
		advance(connection, Duration.ofSeconds(60));
		assertThat(contexts).hasSize(1);
	}

	@Test
	void connectionBoundTickRunsInConnectionOrderUntilCleared() {
		WebSocketConnection connection = connection(1);
		List<CallbackContext.Target> contexts = new ArrayList<>();
		long id = this.timers.tick(connection, Duration.ofSeconds(1), () -> contexts.add(CallbackContext.current()));
		for (int i = 0; i < 3; i++) {
			advance(connection, Duration.ofSeconds(1));
		}
		assertThat(contexts).containsExactly(connection, connection, connection);
		assertThat(this.timers.clear(id)).isTrue();
		assertThat(connection.timers()).isEmpty();
		advance(connection, Duration.ofSeconds(5));
		assertThat(contexts).hasSize(3);
	}

	@Test
	void timerOfConnectionNotOpenIsRefused() {
		WebSocketConnection connection = connection(1);
		connection.close(1000, "");
		assertThat(this.timers.tick(connection, Duration.ofSeconds(1), () -> {
		})).isEqualTo(-1);
		assertThat(this.timers.after(connection, Duration.ofSeconds(1), () -> {
		})).isEqualTo(-1);
		assertThat(this.timers.after(null, Duration.ofSeconds(1), () -> {
		})).isEqualTo(-1);
		assertThat(this.timers.size()).isZero();
		assertThat(connection.timers()).isEmpty();
	}

	@Test
	void timerOfConnectionClosedMeanwhileIsCleared() {
		WebSocketConnection connection = connection(1);
		// The TCP connection went before the close frame: open no more, but closed
		connection.markClosed();
		assertThat(this.timers.tick(connection, Duration.ofSeconds(1), () -> {
		})).isEqualTo(-1);
		assertThat(this.timers.size()).isZero();
	}

	@Test
	void clearOfUnknownIdIsFalse() {
		assertThat(this.timers.clear(42)).isFalse();
		long id = this.timers.after(Duration.ofHours(1), () -> {
		});
		assertThat(this.timers.clear(id)).isTrue();
		assertThat(this.timers.clear(id)).isFalse();
		assertThat(this.timers.size()).isZero();
	}

	@Test
	void globalAfterUnregistersItselfOnceRun() throws InterruptedException {
		CountDownLatch ran = new CountDownLatch(1);
		long id = this.timers.after(Duration.ofMillis(10), ran::countDown);
		assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.timers.size()).isZero();
		assertThat(this.timers.clear(id)).isFalse();
	}

	@Test
	void globalTickRunsOnWorkerUntilCleared() throws InterruptedException {
		AtomicInteger onWorker = new AtomicInteger();
		TimerService timers = new TimerService(this.scheduler, (task) -> {
			onWorker.incrementAndGet();
			task.run();
		});
		CountDownLatch ticks = new CountDownLatch(3);
		long id = timers.tick(Duration.ofMillis(5), ticks::countDown);
		assertThat(ticks.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(onWorker).hasValueGreaterThanOrEqualTo(3);
		assertThat(timers.size()).isOne();
		assertThat(timers.clear(id)).isTrue();
		assertThat(timers.size()).isZero();
	}

}
