package io.wsboot;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, without
 * persistence, for the tests of a class: started before them and stopped after, and
 * stoppable and restartable on the same port in between. Register it as a static
 * {@code @RegisterExtension} field.
 * <p>
 * When {@code redis-server} is not installed the tests are skipped with a message, unless
 * the environment variable {@code WSBOOT_REQUIRE_REDIS} is {@code true} (CI sets it), in
 * which case they fail.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private @Nullable Process process;

	private int port;

	private @Nullable Path log;

	static @Nullable String executable() {
		for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
			if (new File(candidate).canExecute()) {
				return candidate;
			}
		}
		return null;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		String executable = executable();
		if (executable == null) {
			String message = "redis-server is not installed (apt-get install redis-server): cluster tests skipped";
			if ("true".equalsIgnoreCase(System.getenv("WSBOOT_REQUIRE_REDIS"))) {
				throw new IllegalStateException(
						message.replace("skipped", "cannot run") + " and WSBOOT_REQUIRE_REDIS=true");
			}
			Assumptions.abort(message);
		}
		this.port = freePort();
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		stop();
		Path log = this.log;
		if (log != null) {
			try {
				Files.deleteIfExists(log);
			}
			catch (IOException ex) {
				// A temporary file
			}
		}
	}

	public int port() {
		return this.port;
	}

	/**
	 * Start (or restart) the server on its port and wait until it answers PING.
	 * @throws Exception when it does not answer in time
	 */
	public void start() throws Exception {
		String executable = executable();
		if (executable == null) {
			throw new IllegalStateException("redis-server is not installed");
		}
		if (this.log == null) {
			this.log = Files.createTempFile("wsboot-redis-", ".log");
		}
		ProcessBuilder builder = new ProcessBuilder(executable, "--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no");
		builder.redirectErrorStream(true);
		builder.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		Process started = builder.start();
		this.process = started;
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				throw new IllegalStateException("redis-server exited with " + started.exitValue() + ": "
						+ Files.readString(this.log, StandardCharsets.UTF_8));
			}
			if (ping()) {
				return;
			}
			started.waitFor(20, TimeUnit.MILLISECONDS);
		}
		stop();
		throw new IllegalStateException(
				"redis-server did not answer on port " + this.port + " within " + START_TIMEOUT);
	}

	/**
	 * Stop the server and wait until it is gone.
	 */
	public void stop() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		this.process = null;
		running.destroy();
		try {
			if (!running.waitFor(5, TimeUnit.SECONDS)) {
				running.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean ping() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 200);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] answer = new byte[7];
			int read = in.readNBytes(answer, 0, answer.length);
			return read == 7 && new String(answer, StandardCharsets.US_ASCII).equals("+PONG\r\n");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
