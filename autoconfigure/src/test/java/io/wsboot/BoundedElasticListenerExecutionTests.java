package io.wsboot;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.wsboot.EventRecorder.Recorded;
import io.wsboot.autoconfigure.WsbootProperties.ListenerExecution;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ListenerExecution#BOUNDED_ELASTIC}.
 */
@SpringBootTest(classes = BoundedElasticListenerExecutionTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "wsboot.listener-execution=bounded-elastic" })
class BoundedElasticListenerExecutionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private EventRecorder recorder;

	@Autowired
	private WebSocketServer server;

	@Autowired
	private BlockingListener blockingListener;

	@Test
	void runsListenersOffEventLoopInOrderPerConnection() throws Exception {
		long fd;
		try (JdkWebSocketClient client = connect()) {
			fd = client.fd();
			for (int i = 0; i < 200; i++) {
				client.sendText("m" + i);
			}
			this.recorder.awaitMessages(fd, 200);
			client.sendClose(1000, "");
			client.awaitClose();
		}
		this.recorder.awaitClose(fd);
		assertThat(this.recorder.texts(fd))
			.containsExactlyElementsOf(IntStream.range(0, 200).mapToObj((i) -> "m" + i).toList());
		List<Recorded> events = this.recorder.events(fd);
		assertThat(events).hasSize(202);
		assertThat(events).extracting(Recorded::eventLoop).containsOnly(false);
		assertThat(events).extracting(Recorded::thread)
			.allSatisfy(BoundedElasticListenerExecutionTests::isOffEventLoop);
		assertThat(this.recorder.overlaps()).isZero();
	}

	@Test
	void runsConnectionTimersAndTheirDeferredTasksOffEventLoop() throws Exception {
		Queue<Thread> threads = new ConcurrentLinkedQueue<>();
		Queue<Thread> deferredThreads = new ConcurrentLinkedQueue<>();
		try (JdkWebSocketClient client = connect()) {
			long timer = this.server.tick(client.fd(), Duration.ofMillis(20), () -> {
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
		try (JdkWebSocketClient blocked = connect()) {
			blocked.sendText("block");
			blocked.sendText("after block");
			this.recorder.awaitMessages(blocked.fd(), 1);
			try (JdkWebSocketClient other = connect()) {
				other.sendText("hello");
				assertThat(this.recorder.awaitMessages(other.fd(), 1)).extracting(Frame::getData)
					.containsExactly("hello");
				assertThat(this.server.push(other.fd(), "served")).isTrue();
				assertThat(other.nextText()).isEqualTo("served");
			}
			assertThat(this.recorder.texts(blocked.fd())).containsExactly("block");
			release.countDown();
			assertThat(this.recorder.awaitMessages(blocked.fd(), 2)).extracting(Frame::getData)
				.containsExactly("block", "after block");
		}
		finally {
			release.countDown();
		}
	}

	private JdkWebSocketClient connect() throws Exception {
		return JdkWebSocketClient.connectGreeted(URI.create("ws://localhost:" + this.port + "/"));
	}

	private static void isOffEventLoop(Thread thread) {
		assertThat(EventRecorder.isEventLoop(thread)).as("%s is an event loop", thread).isFalse();
		isOffEventLoop(thread.getName());
	}

	private static void isOffEventLoop(String thread) {
		assertThat(thread).doesNotContain("-http-").doesNotContain("nio").doesNotContain("epoll");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ EventRecorder.class, EventRecorder.Greeter.class, BlockingListener.class })
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
