package io.wsboot;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.netty.util.concurrent.FastThreadLocalThread;
import io.wsboot.autoconfigure.WsbootProperties.ListenerExecution;
import io.wsboot.test.RecordWebSocketEvents;
import io.wsboot.test.WebSocketEventRecorder;
import io.wsboot.test.WebSocketTestClient;
import io.wsboot.test.WebSocketTestConnection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ListenerExecution#BOUNDED_ELASTIC}.
 */
@RecordWebSocketEvents
@SpringBootTest(classes = BoundedElasticListenerExecutionTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.listener-execution=bounded-elastic" })
class BoundedElasticListenerExecutionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketEventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Autowired
	private BlockingListener blockingListener;

	@Test
	void runsListenersOffEventLoopInOrderPerConnection() throws Exception {
		long fd;
		try (WebSocketTestConnection client = connect()) {
			fd = Greeter.fd(client);
			for (int i = 0; i < 200; i++) {
				client.sendText("m" + i);
			}
			this.recorder.awaitMessages(fd, 200, TIMEOUT);
			client.close(1000, "");
			client.expectClose();
		}
		this.recorder.awaitClose(fd, TIMEOUT);
		assertThat(this.recorder.messages(fd)).extracting(Frame::getData)
			.containsExactlyElementsOf(IntStream.range(0, 200).mapToObj((i) -> "m" + i).toList());
		List<ApplicationEvent> events = this.recorder.events(fd);
		assertThat(events).hasSize(202);
		assertThat(events).extracting(this.recorder::thread)
			.allSatisfy(BoundedElasticListenerExecutionTests::isOffEventLoop);
		assertThat(this.recorder.overlaps()).isZero();
	}

	@Test
	void runsConnectionTimersAndTheirDeferredTasksOffEventLoop() throws Exception {
		Queue<Thread> threads = new ConcurrentLinkedQueue<>();
		Queue<Thread> deferredThreads = new ConcurrentLinkedQueue<>();
		try (WebSocketTestConnection client = connect()) {
			long timer = this.server.tick(Greeter.fd(client), Duration.ofMillis(20), () -> {
				threads.add(Thread.currentThread());
				this.server.defer(() -> deferredThreads.add(Thread.currentThread()));
			});
			assertThat(timer).isNotEqualTo(-1);
			await().atMost(TIMEOUT).until(() -> threads.size() >= 2 && deferredThreads.size() >= 2);
			assertThat(this.server.clearTimer(timer)).isTrue();
		}
		assertThat(threads).allSatisfy(BoundedElasticListenerExecutionTests::isOffEventLoop);
		assertThat(deferredThreads).allSatisfy(BoundedElasticListenerExecutionTests::isOffEventLoop);
	}

	@Test
	void keepsServingWhileListenerBlocks() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		this.blockingListener.release = release;
		try (WebSocketTestConnection blocked = connect()) {
			blocked.sendText("block");
			blocked.sendText("after block");
			this.recorder.awaitMessages(Greeter.fd(blocked), 1, TIMEOUT);
			try (WebSocketTestConnection other = connect()) {
				other.sendText("hello");
				assertThat(this.recorder.awaitMessages(Greeter.fd(other), 1, TIMEOUT)).extracting(Frame::getData)
					.containsExactly("hello");
				assertThat(this.server.push(Greeter.fd(other), "served")).isTrue();
				assertThat(other.expectText()).isEqualTo("served");
			}
			assertThat(this.recorder.messages(Greeter.fd(blocked))).extracting(Frame::getData).containsExactly("block");
			release.countDown();
			assertThat(this.recorder.awaitMessages(Greeter.fd(blocked), 2, TIMEOUT)).extracting(Frame::getData)
				.containsExactly("block", "after block");
		}
		finally {
			release.countDown();
		}
	}

	private WebSocketTestConnection connect() {
		return Greeter.connect(WebSocketTestClient.forPort(this.port));
	}

	private static void isOffEventLoop(Thread thread) {
		// Reactor Netty's loops run on FastThreadLocalThreads, Reactor's bounded elastic
		// workers do not
		assertThat(thread).as("%s is an event loop", thread).isNotInstanceOf(FastThreadLocalThread.class);
		isOffEventLoop(thread.getName());
	}

	private static void isOffEventLoop(String thread) {
		assertThat(thread).doesNotContain("-http-").doesNotContain("nio").doesNotContain("epoll");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Greeter.class, BlockingListener.class })
	static class TestApplication {

	}

	/**
	 * Blocks on the message {@code block} until released, as blocking user code may when
	 * listeners run off the event loop.
	 */
	static class BlockingListener {

		volatile CountDownLatch release = new CountDownLatch(0);

		@EventListener
		void onMessage(WebSocketMessageEvent event) throws InterruptedException {
			if ("block".equals(event.getFrame().getData())) {
				this.release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
		}

	}

}
