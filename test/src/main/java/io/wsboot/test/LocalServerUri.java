package io.wsboot.test;

import java.net.URI;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Supplies the WebSocket URI of the server a test started, from the
 * {@code local.server.port} property that is set once the server runs: {@code ws} or
 * {@code wss} (with {@code server.ssl.enabled}), {@code localhost} unless
 * {@code server.address} names one address, and {@code wsboot.path} when it is a plain
 * path.
 */
final class LocalServerUri implements Supplier<URI> {

	private final Environment environment;

	LocalServerUri(Environment environment) {
		this.environment = environment;
	}

	@Override
	public URI get() {
		String port = this.environment.getProperty("local.server.port");
		if (!StringUtils.hasText(port)) {
			throw new IllegalStateException("The server's port is not known: no 'local.server.port' property. "
					+ "Use @SpringBootTest(webEnvironment = RANDOM_PORT or DEFINED_PORT) and use the client "
					+ "once the server has started");
		}
		boolean ssl = this.environment.getProperty("server.ssl.enabled", Boolean.class, false);
		String scheme = ssl ? "wss" : "ws";
		return URI.create(scheme + "://" + host(this.environment.getProperty("server.address")) + ":" + port
				+ path(this.environment.getProperty("wsboot.path")));
	}

	private static String host(@Nullable String address) {
		if (!StringUtils.hasText(address) || address.equals("0.0.0.0") || address.equals("::")
				|| address.equals("[::]")) {
			return "localhost";
		}
		return (address.contains(":") && !address.startsWith("[")) ? "[" + address + "]" : address;
	}

	private static String path(@Nullable String path) {
		if (!StringUtils.hasText(path) || path.contains("{") || path.contains("*") || path.contains("?")) {
			return "/";
		}
		return path.startsWith("/") ? path : "/" + path;
	}

}
