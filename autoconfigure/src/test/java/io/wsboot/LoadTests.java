package io.wsboot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.wsboot.WebSocketCloseEvent.ClosedBy;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A load test in the normal suite: 1,000 concurrent connections on loopback, each sending
 * numbered messages while global and connection-bound timers push, with Reactor Netty's
 * WebSocket client. Every message gets its reply in order, no event is lost or
 * duplicated, and every connection ends with its close event.
 */
@DirtiesContext
@SpringBootTest(classes = LoadTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=reactive")
class LoadTests {

	private static final int CONNECTIONS = 1000;

	private static final int MESSAGES = 20;

	private static final Duration BOUND = Duration.ofSeconds(40);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketServer server;

	@Autowired
	private LoadRecorder recorder;

	@Test
	void servesThousandConcurrentConnectionsWithoutLosingOrReorderingAnything() {
		long acceptedBefore = this.server.stats().accepted();
		AtomicInteger news = new AtomicInteger();
		long newsTimer = this.server.tick(Duration.ofMillis(100), () -> news.addAndGet(this.server.broadcast("news")));
		LoopResources loops = LoopResources.create("load-client", 2, true);
		Sessions sessions = new Sessions();
		try {
			HttpClient client = HttpClient.newConnection().runOn(loops);
			List<ClientResult> results;
			try {
				results = Flux.range(0, CONNECTIONS)
					.flatMap((i) -> session(client, sessions), CONNECTIONS)
					.collectList()
					.block(BOUND);
			}
			catch (IllegalStateException ex) {
				throw new AssertionError("Sessions not done within " + BOUND + ": " + sessions, ex);
			}
			assertThat(results).hasSize(CONNECTIONS);
			List<String> numbers = IntStream.range(0, MESSAGES).mapToObj(Integer::toString).toList();
			assertThat(results).allSatisfy((result) -> assertThat(result.echoes).containsExactlyElementsOf(numbers));
			assertThat(results).extracting(ClientResult::fd).doesNotHaveDuplicates();
			assertThat(results.stream().mapToInt((result) -> result.pushed).sum()).as("timer pushes received")
				.isPositive();
			assertThat(news.get()).as("broadcasts of the global timer").isPositive();

			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.server.stats().connections() == 0 && this.recorder.closes() == CONNECTIONS);
			assertThat(this.server.connections()).isEmpty();
			assertThat(this.server.stats().accepted() - acceptedBefore).isEqualTo(CONNECTIONS);
			assertThat(this.recorder.connections).hasSize(CONNECTIONS);
			for (ClientResult result : results) {
				ServerLog log = this.recorder.connections.get(result.fd);
				assertThat(log).as("events of fd %d", result.fd).isNotNull();
				assertThat(log.opens).hasValue(1);
				assertThat(log.messages).as("messages of fd %d", result.fd).containsExactlyElementsOf(numbers);
				assertThat(log.closes).hasSize(1);
				assertThat(log.closes.get(0)).isEqualTo("1000 " + ClosedBy.CLIENT);
			}
			assertThat(this.recorder.overlaps).hasValue(0);
			assertThat(this.server.clearTimer(newsTimer)).isTrue();
			assertThat(this.server.stats().timers()).as("connection timers cancelled").isZero();
		}
		finally {
			this.server.clearTimer(newsTimer);
			loops.disposeLater().block(Duration.ofSeconds(10));
		}
	}

	/**
	 * One connection: wait for the greeting, wait until every connection is open, send
	 * the numbered messages, wait for all replies, then close.
	 */
	private Mono<ClientResult> session(HttpClient client, Sessions sessions) {
		return client.websocket().uri("ws://127.0.0.1:" + this.port + "/").handle((in, out) -> {
			ClientResult result = new ClientResult();
			Sinks.Empty<Void> greeted = Sinks.empty();
			Sinks.Empty<Void> echoed = Sinks.empty();
			Mono<Void> receive = in.receiveFrames().ofType(TextWebSocketFrame.class).doOnNext((frame) -> {
				String text = frame.text();
				if (text.startsWith("fd:")) {
					result.fd = Long.parseLong(text.substring(3));
					greeted.tryEmitEmpty();
					sessions.connected();
				}
				else if (text.startsWith("echo:")) {
					result.echoes.add(text.substring(5));
					if (result.echoes.size() == MESSAGES) {
						echoed.tryEmitEmpty();
					}
				}
				else {
					result.pushed++;
				}
			}).then();
			Mono<Void> send = greeted.asMono()
				.then(sessions.allConnected.asMono())
				.then(out.sendString(Flux.range(0, MESSAGES).map(String::valueOf)).then())
				.then(echoed.asMono())
				// not sendClose(): it drops TCP right after the frame, a reset while
				// pushes
				// are unread, and the server may fail on the reset before it reads the
				// frame
				// (1006). The server answers this close and ends TCP (RFC 6455 §7.1.1)
				.then(Mono.defer(() -> out.sendObject(new CloseWebSocketFrame(1000, "done")).then()))
				.doOnSuccess((done) -> sessions.done.incrementAndGet());
			return Mono.when(receive, send).thenReturn(result);
		}).single();
	}

	/**
	 * Progress of the sessions, and the barrier that opens once all are connected.
	 */
	static final class Sessions {

		final AtomicInteger connected = new AtomicInteger();

		final AtomicInteger done = new AtomicInteger();

		final Sinks.Empty<Void> allConnected = Sinks.empty();

		void connected() {
			if (this.connected.incrementAndGet() == CONNECTIONS) {
				this.allConnected.tryEmitEmpty();
			}
		}

		@Override
		public String toString() {
			return this.connected + " connected, " + this.done + " done";
		}

	}

	/**
	 * What one client received, written on its connection's event loop only.
	 */
	static final class ClientResult {

		final List<String> echoes = new ArrayList<>(MESSAGES);

		long fd = -1;

		int pushed;

		long fd() {
			return this.fd;
		}

	}

	/**
	 * The events of one connection as the server published them.
	 */
	static final class ServerLog {

		final AtomicInteger opens = new AtomicInteger();

		final List<String> messages = new ArrayList<>(MESSAGES);

		final List<String> closes = new ArrayList<>(1);

		final AtomicInteger running = new AtomicInteger();

	}

	/**
	 * Echoes every message as {@code echo:<message>}, starts a connection timer that
	 * pushes {@code tick} and records the events of every connection.
	 */
	static class LoadRecorder {

		final Map<Long, ServerLog> connections = new ConcurrentHashMap<>();

		final AtomicInteger overlaps = new AtomicInteger();

		private final AtomicInteger closes = new AtomicInteger();

		int closes() {
			return this.closes.get();
		}

		@EventListener
		void onOpen(WebSocketOpenEvent event) {
			WebSocketServer server = event.getSource();
			long fd = event.getFd();
			record(fd, (log) -> log.opens.incrementAndGet());
			server.push(fd, "fd:" + fd);
			server.tick(fd, Duration.ofMillis(100), () -> server.push(fd, "tick"));
		}

		@EventListener
		void onMessage(WebSocketMessageEvent event) {
			Frame frame = event.getFrame();
			record(frame.getFd(), (log) -> log.messages.add(frame.getData()));
			event.getSource().push(frame.getFd(), "echo:" + frame.getData());
		}

		@EventListener
		void onClose(WebSocketCloseEvent event) {
			record(event.getFd(), (log) -> log.closes.add(event.getCode() + " " + event.getClosedBy()));
			this.closes.incrementAndGet();
		}

		private void record(long fd, Consumer<ServerLog> action) {
			ServerLog log = this.connections.computeIfAbsent(fd, (key) -> new ServerLog());
			if (log.running.incrementAndGet() > 1) {
				this.overlaps.incrementAndGet();
			}
			try {
				synchronized (log) {
					action.accept(log);
				}
			}
			finally {
				log.running.decrementAndGet();
			}
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(LoadRecorder.class)
	static class TestApplication {

	}

}
