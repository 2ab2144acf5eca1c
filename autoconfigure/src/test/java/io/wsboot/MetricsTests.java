package io.wsboot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsboot.metrics.WsbootMeterBinder;
import io.wsboot.metrics.WsbootMeters;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import io.wsboot.test.WebSocketTestConnection.CloseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the Micrometer meters of {@link WebSocketServer} ({@link WsbootMeters}, bound
 * by {@link WsbootMeterBinder}), read back from a {@link SimpleMeterRegistry} after real
 * connections.
 */
@RecordWebSocketEvents
@SpringBootTest(classes = MetricsTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.allowed-origins=https://good.example" })
class MetricsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final long UNKNOWN_FD = Long.MAX_VALUE - 11;

	private static final List<String> METER_NAMES = List.of("wsboot.connections.active", "wsboot.handshakes",
			"wsboot.messages.received", "wsboot.messages.sent", "wsboot.bytes.received", "wsboot.bytes.sent",
			"wsboot.push.dropped", "wsboot.connections.closed", "wsboot.timers.active");

	@LocalServerPort
	private int port;

	@Autowired
	private SimpleMeterRegistry registry;

	@Autowired
	private WebSocketServer server;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private StartupMeters startupMeters;

	@AfterEach
	void awaitNoConnections() {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.server.stats().connections()).isZero());
	}

	@Test
	void registersEveryMeterAtStartupBeforeTraffic() {
		Map<String, Double> atStartup = this.startupMeters.values;
		assertThat(atStartup).containsKeys("wsboot.connections.active{}", "wsboot.timers.active{}",
				"wsboot.handshakes{outcome=accepted,status=101}", "wsboot.handshakes{outcome=rejected,status=400}",
				"wsboot.handshakes{outcome=rejected,status=403}", "wsboot.handshakes{outcome=rejected,status=405}",
				"wsboot.handshakes{outcome=rejected,status=426}", "wsboot.handshakes{outcome=rejected,status=500}",
				"wsboot.handshakes{outcome=rejected,status=503}", "wsboot.messages.received{type=text}",
				"wsboot.messages.received{type=binary}", "wsboot.messages.sent{type=text}",
				"wsboot.messages.sent{type=binary}", "wsboot.bytes.received{}", "wsboot.bytes.sent{}",
				"wsboot.push.dropped{}", "wsboot.connections.closed{code=1000}", "wsboot.connections.closed{code=1001}",
				"wsboot.connections.closed{code=1002}", "wsboot.connections.closed{code=1006}",
				"wsboot.connections.closed{code=1008}", "wsboot.connections.closed{code=1009}");
		assertThat(atStartup.values()).as("values at startup %s", atStartup).allMatch((value) -> value == 0.0);
		assertThat(atStartup.keySet()).extracting((id) -> id.substring(0, id.indexOf('{'))).containsAll(METER_NAMES);
	}

	@Test
	void registersMetersWithTheirTypesAndUnits() {
		assertThat(this.registry.get("wsboot.connections.active").gauge().getId().getBaseUnit())
			.isEqualTo("connections");
		assertThat(this.registry.get("wsboot.timers.active").gauge()).isNotNull();
		assertThat(this.registry.get("wsboot.bytes.received").functionCounter().getId().getBaseUnit())
			.isEqualTo("bytes");
		assertThat(this.registry.get("wsboot.bytes.sent").functionCounter().getId().getBaseUnit()).isEqualTo("bytes");
		for (String name : List.of("wsboot.handshakes", "wsboot.messages.received", "wsboot.messages.sent",
				"wsboot.push.dropped", "wsboot.connections.closed")) {
			assertThat(this.registry.find(name).meters()).as(name)
				.isNotEmpty()
				.allMatch((meter) -> meter instanceof FunctionCounter);
		}
		assertThat(this.registry.find("wsboot.messages.received").meters())
			.extracting((meter) -> meter.getId().getTag("type"))
			.containsExactlyInAnyOrder("text", "binary");
		assertThat(this.registry.find("wsboot.messages.sent").meters())
			.extracting((meter) -> meter.getId().getTag("type"))
			.containsExactlyInAnyOrder("text", "binary");
		assertThat(this.registry.find("wsboot.handshakes").meters()).allSatisfy((meter) -> {
			String status = meter.getId().getTag("status");
			assertThat(meter.getId().getTag("outcome")).isEqualTo("101".equals(status) ? "accepted" : "rejected");
		});
	}

	@Test
	void countsOpensMessagesRejectedHandshakesAndCloses() throws Exception {
		Map<String, Double> before = snapshot();
		double activeBefore = gauge("wsboot.connections.active");
		long bytesSent = 0;
		try (WebSocketTestConnection first = connect(); WebSocketTestConnection second = connect()) {
			bytesSent += ("fd:" + Greeter.fd(first)).length() + ("fd:" + Greeter.fd(second)).length();
			assertThat(gauge("wsboot.connections.active")).isEqualTo(activeBefore + 2);
			first.sendText("hello");
			assertThat(first.expectText()).isEqualTo("hello");
			first.sendBinary(new byte[] { 1, 2, 3 });
			assertThat(first.expectBinary()).containsExactly(1, 2, 3);
			second.sendText("h\u00e9");
			assertThat(second.expectText()).isEqualTo("h\u00e9");
			bytesSent += 5 + 3 + 3;
			assertThat(rawStatus(WebSocketTestClient.forPort(this.port).header("Sec-WebSocket-Version", "8")))
				.isEqualTo(426);
			assertThat(rawStatus(WebSocketTestClient.forPort(this.port).withoutHeader("Sec-WebSocket-Key")))
				.isEqualTo(400);
			assertThat(rawStatus(WebSocketTestClient.forPort(this.port).header("Origin", "https://evil.example")))
				.isEqualTo(403);
			assertThat(this.server.push(UNKNOWN_FD, "lost")).isFalse();
			first.close(1000, "done");
			assertThat(first.expectClose().code()).isEqualTo(1000);
			this.recorder.awaitClose(Greeter.fd(first), TIMEOUT);
			assertThat(this.server.disconnect(Greeter.fd(second), 4000, "bye")).isTrue();
			assertThat(second.expectClose()).isEqualTo(new CloseStatus(4000, "bye"));
			this.recorder.awaitClose(Greeter.fd(second), TIMEOUT);
		}
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(gauge("wsboot.connections.active")).isEqualTo(activeBefore));
		Map<String, Double> after = snapshot();
		assertThat(delta(before, after, "wsboot.handshakes{outcome=accepted,status=101}")).isEqualTo(2);
		assertThat(delta(before, after, "wsboot.handshakes{outcome=rejected,status=426}")).isEqualTo(1);
		assertThat(delta(before, after, "wsboot.handshakes{outcome=rejected,status=400}")).isEqualTo(1);
		assertThat(delta(before, after, "wsboot.handshakes{outcome=rejected,status=403}")).isEqualTo(1);
		assertThat(delta(before, after, "wsboot.messages.received{type=text}")).isEqualTo(2);
		assertThat(delta(before, after, "wsboot.messages.received{type=binary}")).isEqualTo(1);
		assertThat(delta(before, after, "wsboot.messages.sent{type=text}")).as("greetings and echoes").isEqualTo(4);
		assertThat(delta(before, after, "wsboot.messages.sent{type=binary}")).isEqualTo(1);
		assertThat(delta(before, after, "wsboot.bytes.received{}")).as("UTF-8 payload bytes").isEqualTo(5 + 3 + 3);
		assertThat(delta(before, after, "wsboot.bytes.sent{}")).isEqualTo(bytesSent);
		assertThat(delta(before, after, "wsboot.push.dropped{}")).isEqualTo(1);
		assertThat(delta(before, after, "wsboot.connections.closed{code=1000}")).isEqualTo(1);
		assertThat(delta(before, after, "wsboot.connections.closed{code=4000}")).isEqualTo(1);
		assertThat(this.registry.get("wsboot.connections.closed").tags("code", "4000").functionCounter())
			.as("meter of a close code first seen at run time")
			.isNotNull();
		assertThat(changed(before, after)).as("meters that changed")
			.containsOnlyKeys("wsboot.handshakes{outcome=accepted,status=101}",
					"wsboot.handshakes{outcome=rejected,status=426}", "wsboot.handshakes{outcome=rejected,status=400}",
					"wsboot.handshakes{outcome=rejected,status=403}", "wsboot.messages.received{type=text}",
					"wsboot.messages.received{type=binary}", "wsboot.messages.sent{type=text}",
					"wsboot.messages.sent{type=binary}", "wsboot.bytes.received{}", "wsboot.bytes.sent{}",
					"wsboot.push.dropped{}", "wsboot.connections.closed{code=1000}",
					"wsboot.connections.closed{code=4000}");
	}

	@Test
	void metersAgreeWithStats() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("stats");
			assertThat(client.expectText()).isEqualTo("stats");
			client.sendBinary(new byte[] { 9 });
			assertThat(client.expectBinary()).containsExactly(9);
			WebSocketStats stats = this.server.stats();
			assertThat(gauge("wsboot.connections.active")).isEqualTo(stats.connections());
			assertThat(sum("wsboot.messages.received")).isEqualTo(stats.messagesReceived());
			assertThat(sum("wsboot.messages.sent")).isEqualTo(stats.messagesSent());
			assertThat(sum("wsboot.bytes.received")).isEqualTo(stats.bytesReceived());
			assertThat(sum("wsboot.bytes.sent")).isEqualTo(stats.bytesSent());
			assertThat(sum("wsboot.push.dropped")).isEqualTo(stats.pushDropped());
			assertThat(this.registry.get("wsboot.handshakes").tag("outcome", "accepted").functionCounter().count())
				.isEqualTo(stats.accepted());
			assertThat(sum(this.registry.find("wsboot.handshakes").tag("outcome", "rejected")))
				.isEqualTo(stats.rejectedHandshakes());
		}
	}

	@Test
	void timersGaugeFollowsConnectionBoundTimers() throws Exception {
		double timersBefore = gauge("wsboot.timers.active");
		try (WebSocketTestConnection client = connect()) {
			client.sendText("tick");
			assertThat(client.expectText()).isEqualTo("tick");
			assertThat(gauge("wsboot.timers.active")).isEqualTo(timersBefore + 1);
			client.close(1000, "");
			client.expectClose();
			this.recorder.awaitClose(Greeter.fd(client), TIMEOUT);
		}
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(gauge("wsboot.timers.active")).isEqualTo(timersBefore));
		assertThat(this.server.stats().timers()).isZero();
	}

	@Test
	void messageObservationsAreRecordedAsTimers() throws Exception {
		try (WebSocketTestConnection client = connect()) {
			client.sendText("observed");
			assertThat(client.expectText()).isEqualTo("observed");
		}
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(this.registry.find("wsboot.message").tag("type", "text").timer()).isNotNull();
			assertThat(this.registry.find("wsboot.handshake")
				.tags("outcome", "accepted", "status", "101", "path", "/")
				.timer()).isNotNull();
		});
	}

	private WebSocketTestConnection connect() {
		return Greeter.connect(WebSocketTestClient.forPort(this.port));
	}

	private int rawStatus(WebSocketTestClient client) {
		return client.handshake().status();
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

	private double sum(String name) {
		return sum(this.registry.find(name));
	}

	private static double sum(Search search) {
		return search.functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
	}

	private Map<String, Double> snapshot() {
		return StartupMeters.snapshot(this.registry);
	}

	private static double delta(Map<String, Double> before, Map<String, Double> after, String id) {
		assertThat(after).as("meters after").containsKey(id);
		return after.get(id) - before.getOrDefault(id, 0.0);
	}

	private static Map<String, Double> changed(Map<String, Double> before, Map<String, Double> after) {
		Map<String, Double> changed = new TreeMap<>();
		after.forEach((id, value) -> {
			if (!id.startsWith("wsboot.connections.active") && !id.startsWith("wsboot.timers.active")
					&& value != before.getOrDefault(id, 0.0).doubleValue()) {
				changed.put(id, value);
			}
		});
		return changed;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Greeter.class, Echo.class })
	static class TestApplication {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		StartupMeters startupMeters(SimpleMeterRegistry registry) {
			return new StartupMeters(registry);
		}

	}

	/**
	 * Echoes text and binary messages; on {@code tick} it starts a connection-bound timer
	 * of an hour first.
	 */
	static class Echo {

		private final WebSocketServer server;

		Echo(WebSocketServer server) {
			this.server = server;
		}

		@EventListener
		void onMessage(WebSocketMessageEvent event) {
			Frame frame = event.getFrame();
			if (frame.getOpcode() == Opcode.TEXT) {
				if ("tick".equals(frame.getData())) {
					this.server.tick(frame.getFd(), Duration.ofHours(1), () -> {
					});
				}
				this.server.push(frame.getFd(), frame.getData());
			}
			else if (frame.getOpcode() == Opcode.BINARY) {
				this.server.push(frame.getFd(), frame.getBytes());
			}
		}

	}

	/**
	 * The wsboot meters and their values when the application is ready, before any test
	 * sends traffic.
	 */
	static class StartupMeters {

		private final MeterRegistry registry;

		private volatile Map<String, Double> values = Map.of();

		StartupMeters(MeterRegistry registry) {
			this.registry = registry;
		}

		@EventListener
		void onReady(ApplicationReadyEvent event) {
			this.values = snapshot(this.registry);
		}

		/**
		 * Return the values of the wsboot meters by {@code name{tag=value,...}}, tags in
		 * key order.
		 * @param registry the registry
		 * @return the values
		 */
		static Map<String, Double> snapshot(MeterRegistry registry) {
			Map<String, Double> values = new TreeMap<>();
			for (Meter meter : registry.getMeters()) {
				String name = meter.getId().getName();
				if (!METER_NAMES.contains(name)) {
					continue;
				}
				StringBuilder id = new StringBuilder(name).append('{');
				List<Tag> tags = Tags.of(meter.getId().getTags()).stream().toList();
				for (int i = 0; i < tags.size(); i++) {
					id.append((i > 0) ? "," : "")
						.append(tags.get(i).getKey())
						.append('=')
						.append(tags.get(i).getValue());
				}
				double value = (meter instanceof Gauge gauge) ? gauge.value()
						: (meter instanceof FunctionCounter counter) ? counter.count() : Double.NaN;
				values.put(id.append('}').toString(), value);
			}
			return values;
		}

	}

}
