package io.wsboot.benchmarks.jmh;

import io.wsboot.benchmarks.server.BareEchoServer;
import io.wsboot.benchmarks.server.WsbootDefaultServer;
import io.wsboot.benchmarks.server.WsbootSeedServer;
import io.wsboot.benchmarks.server.WsbootServers;
import reactor.netty.DisposableServer;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts one of the benchmark servers inside the JMH fork, on a free loopback port.
 *
 * @since 0.1.0
 */
final class BenchmarkServers {

	private BenchmarkServers() {
	}

	static Running start(String name) {
		return switch (name) {
			case "bare" -> {
				DisposableServer server = BareEchoServer.start("127.0.0.1", 0);
				yield new Running(server.port(), server::disposeNow);
			}
			case "wsboot", "wsboot-default" -> spring(WsbootDefaultServer.class);
			case "wsboot-seed" -> spring(WsbootSeedServer.class);
			default -> throw new IllegalArgumentException("Unknown server " + name);
		};
	}

	private static Running spring(Class<?> source) {
		ConfigurableApplicationContext context = WsbootServers.start(source, 0);
		return new Running(WsbootServers.port(context), context::close);
	}

	/**
	 * A running server.
	 *
	 * @param port its port
	 * @param stop what stops it
	 */
	record Running(int port, Runnable stop) {

	}

}
