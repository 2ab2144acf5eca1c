package io.wsboot.benchmarks.server;

/**
 * What the benchmark servers share: the broadcast trigger, the broadcast payload and the
 * line that tells {@code benchmarks/run} a server is ready.
 *
 * @since 0.1.0
 */
public final class ServerSupport {

	/**
	 * Text message that makes a server broadcast {@link #broadcastPayload()} to every
	 * connection, instead of echoing it.
	 */
	public static final String BROADCAST = "broadcast";

	/**
	 * Prefix of the broadcast payload, followed by the server's {@link System#nanoTime()}
	 * when the broadcast started.
	 */
	public static final String BROADCAST_PREFIX = "b:";

	private ServerSupport() {
	}

	/**
	 * Return the payload of one broadcast: {@value #BROADCAST_PREFIX} and the server's
	 * monotonic clock in nanoseconds, which the load generator on the same machine can
	 * compare with its own.
	 * @return the payload
	 */
	public static String broadcastPayload() {
		return BROADCAST_PREFIX + System.nanoTime();
	}

	/**
	 * Return the port asked for with {@code --port=N}, or 0 for any free port.
	 * @param args the command-line arguments
	 * @return the port
	 */
	static int port(String[] args) {
		for (String arg : args) {
			if (arg.startsWith("--port=")) {
				return Integer.parseInt(arg.substring("--port=".length()));
			}
		}
		return 0;
	}

	/**
	 * Print the line that {@code benchmarks/run} waits for.
	 * @param port the bound port
	 */
	static void ready(int port) {
		System.out.println("READY port=" + port + " pid=" + ProcessHandle.current().pid());
		System.out.flush();
	}

}
