package io.wsboot.benchmarks.server;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the wsboot benchmark applications with the same settings: loopback only, quiet
 * logging, no banner.
 *
 * @since 0.1.0
 */
public final class WsbootServers {

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
		SpringApplication application = new SpringApplication(source);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		Map<String, Object> defaults = new HashMap<>();
		defaults.put("server.address", "127.0.0.1");
		defaults.put("server.port", port);
		defaults.put("logging.level.root", "warn");
		defaults.put("spring.main.web-application-type", "reactive");
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
