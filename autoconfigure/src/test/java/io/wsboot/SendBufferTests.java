package io.wsboot;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsboot.WebSocketCloseEvent.ClosedBy;
import io.wsboot.autoconfigure.WsbootProperties;
import io.wsboot.test.RawWebSocketConnection;
import io.wsboot.test.RawWebSocketConnection.ReceivedFrame;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WsbootProperties#getSendBufferSize()} and
 * {@link WsbootProperties#getSendBufferOverflow()}: a client that stops reading while the
 * server pushes cannot make the server hold more than a bounded number of bytes for it.
 */
class SendBufferTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final int MESSAGE_SIZE = 64 * 1024;

	/**
	 * How much the push loop tries to send: about 300 MB.
	 */
	private static final int ATTEMPTS = 300 * 1024 * 1024 / MESSAGE_SIZE;

	/**
	 * Bound of the bytes of accepted pushes: the send buffer plus what the kernel's
	 * socket buffers of both ends take, with a wide margin.
	 */
	private static final long ACCEPTED_BOUND = 64L * 1024 * 1024;

	private static final int BINARY = 0x2;

	private static final int CLOSE = 0x8;

	private static final int POLICY_VIOLATION = 1008;

	@Nested
	@DirtiesContext
	@RecordWebSocketEvents
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "spring.main.web-application-type=reactive", "wsboot.send-buffer-size=1MB",
					"wsboot.send-buffer-overflow=drop" })
	class Drop {

		@LocalServerPort
		private int port;

		@Autowired
		private WebSocketServer server;

		@Test
		void dropsPushesToClientThatStopsReadingAndKeepsItsConnection() throws Exception {
			try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
				long fd = greetedFd(socket);
				long droppedBefore = this.server.stats().pushDropped();
				PushLoop loop = PushLoop.run(this.server, fd);
				assertThat(loop.acceptedBytes()).as("bytes of pushes that returned true").isLessThan(ACCEPTED_BOUND);
				assertThat(loop.accepted()).isPositive();
				assertThat(loop.dropped()).isGreaterThan(ATTEMPTS / 2);
				assertThat(this.server.stats().pushDropped() - droppedBefore).isEqualTo(loop.dropped());
				assertThat(this.server.isEstablished(fd)).isTrue();
				// the client reads again: it gets exactly the accepted messages, in order
				int last = -1;
				for (int i = 0; i < loop.accepted(); i++) {
					ReceivedFrame frame = socket.readFrame();
					assertThat(frame.opcode()).isEqualTo(BINARY);
					assertThat(frame.payload()).hasSize(MESSAGE_SIZE);
					int sequence = ByteBuffer.wrap(frame.payload()).getInt();
					assertThat(sequence).isGreaterThan(last);
					last = sequence;
				}
				assertThat(last).isEqualTo(loop.lastAccepted());
				await().atMost(TIMEOUT).until(() -> this.server.push(fd, "drained"));
				assertThat(socket.expectText()).isEqualTo("drained");
			}
		}

	}

	@Nested
	@DirtiesContext
	@RecordWebSocketEvents
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "spring.main.web-application-type=reactive", "wsboot.send-buffer-size=1MB",
					"wsboot.send-buffer-overflow=close" })
	class Close {

		@LocalServerPort
		private int port;

		@Autowired
		private WebSocketEventRecorder recorder;

		@Autowired
		private WebSocketServer server;

		@Test
		void closesWith1008ClientThatStopsReading() throws Exception {
			long fd;
			try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
				fd = greetedFd(socket);
				long droppedBefore = this.server.stats().pushDropped();
				PushLoop loop = PushLoop.run(this.server, fd);
				assertThat(loop.acceptedBytes()).as("bytes of pushes that returned true").isLessThan(ACCEPTED_BOUND);
				assertThat(loop.dropped()).isGreaterThan(ATTEMPTS / 2);
				assertThat(this.server.stats().pushDropped() - droppedBefore).isEqualTo(loop.dropped());
				assertThat(this.server.isEstablished(fd)).isFalse();
				// the client reads again: the accepted messages, then the close frame
				ReceivedFrame frame = socket.readFrame();
				int messages = 0;
				while (frame.opcode() == BINARY) {
					messages++;
					frame = socket.readFrame();
				}
				assertThat(messages).isEqualTo(loop.accepted());
				assertThat(frame.opcode()).isEqualTo(CLOSE);
				assertThat(frame.closeCode()).isEqualTo(POLICY_VIOLATION);
				socket.sendClose(POLICY_VIOLATION, "");
				assertThat(socket.awaitServerClose(TIMEOUT)).isTrue();
			}
			WebSocketCloseEvent event = this.recorder.awaitClose(fd, TIMEOUT);
			assertThat(event.getCode()).isEqualTo(POLICY_VIOLATION);
			assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
		}

		@Test
		void endsConnectionOfClientThatNeverReadsAgain() throws Exception {
			try (RawWebSocketConnection socket = WebSocketTestClient.forPort(this.port).connectRaw()) {
				long fd = greetedFd(socket);
				// pushes paced by a connection timer fill the socket buffers of both ends
				// before the send buffer overflows: the close frame cannot be written
				// then
				byte[] message = new byte[MESSAGE_SIZE];
				AtomicInteger accepted = new AtomicInteger();
				assertThat(this.server.tick(fd, Duration.ofMillis(1), () -> {
					if (this.server.push(fd, message)) {
						accepted.incrementAndGet();
					}
				})).isNotEqualTo(-1);
				await().atMost(Duration.ofSeconds(10)).until(() -> !this.server.isEstablished(fd));
				assertThat((long) accepted.get() * MESSAGE_SIZE).isLessThan(ACCEPTED_BOUND);
				// the server must not wait for this client longer than for a close answer
				await().atMost(Duration.ofSeconds(10)).until(() -> !this.server.exists(fd));
				WebSocketCloseEvent event = this.recorder.awaitClose(fd, TIMEOUT);
				assertThat(event.getCode()).isEqualTo(POLICY_VIOLATION);
				assertThat(event.getClosedBy()).isEqualTo(ClosedBy.SERVER);
			}
		}

	}

	private static long greetedFd(RawWebSocketConnection socket) throws Exception {
		String greeting = socket.expectText();
		assertThat(greeting).startsWith("fd:");
		return Long.parseLong(greeting.substring(3));
	}

	/**
	 * Pushes {@link #ATTEMPTS} binary messages of {@link #MESSAGE_SIZE} bytes, each
	 * starting with its sequence number, as fast as possible, and counts what was
	 * accepted.
	 *
	 * @param accepted pushes that returned {@code true}
	 * @param dropped pushes that returned {@code false}
	 * @param lastAccepted the sequence number of the last accepted push
	 */
	record PushLoop(int accepted, int dropped, int lastAccepted) {

		static PushLoop run(WebSocketServer server, long fd) {
			int accepted = 0;
			int lastAccepted = -1;
			for (int i = 0; i < ATTEMPTS; i++) {
				byte[] message = new byte[MESSAGE_SIZE];
				ByteBuffer.wrap(message).putInt(i);
				if (server.push(fd, message)) {
					accepted++;
					lastAccepted = i;
				}
			}
			return new PushLoop(accepted, ATTEMPTS - accepted, lastAccepted);
		}

		long acceptedBytes() {
			return (long) this.accepted * MESSAGE_SIZE;
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Greeter.class)
	static class TestApplication {

	}

}
