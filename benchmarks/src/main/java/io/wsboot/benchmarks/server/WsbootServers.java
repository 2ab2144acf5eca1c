package io.wsboot.benchmarks.server;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the wsboot benchmark applications with the same settings: loopback only, quiet
 * logging, no banner, and no Redis unless the application is a cluster node.
 *
 * @since 0.1.0
 */
public final class WsbootServers {

	/**
	 * Spring Boot's Redis auto-configurations, on the class path for the cluster node and
	 * left out of the single-node servers so that they run as they would without it.
	 */
	static final List<String> REDIS_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration");

	private WsbootServers() {
	}

	/**
	 * Start a wsboot benchmark application.
	 * @param source its configuration class
	 * @param port the port, 0 for any
	 * @param args further command-line arguments ({@code --wsboot.x=y})
	 * @return the running application
	 */
	public static ConfigurableApplicationContext start(Class<?> source, int port, String... args) {
		return start(source, port, Map.of("spring.autoconfigure.exclude", String.join(",", REDIS_AUTO_CONFIGURATIONS)),
				args);
	}

	/**
	 * Start a wsboot benchmark application with more default properties.
	 * @param source its configuration class
	 * @param port the port, 0 for any
	 * @param properties default properties beside the common ones
	 * @param args further command-line arguments ({@code --wsboot.x=y})
	 * @return the running application
	 */
	static ConfigurableApplicationContext start(Class<?> source, int port, Map<String, Object> properties,
			String... args) {
		SpringApplication application = new SpringApplication(source);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		Map<String, Object> defaults = new HashMap<>();
		defaults.put("server.address", "127.0.0.1");
		defaults.put("server.port", port);
		defaults.put("logging.level.root", "warn");
		defaults.put("spring.main.web-application-type", "reactive");
		defaults.putAll(properties);
		application.setDefaultProperties(defaults);
		return application.run(args);
	}

	/**
	 * Return the port the application's web server is bound to.
	 * @param context the running application
	 * @return the port
	 */
	public static int port(ConfigurableApplicationContext context) {
		Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
		if (port == null) {
			throw new IllegalStateException("The application has no web server port");
		}
		return port;
	}

	static void main(Class<?> source, String[] args) {
		ConfigurableApplicationContext context = start(source, ServerSupport.port(args), args);
		ServerSupport.ready(port(context));
	}

}
