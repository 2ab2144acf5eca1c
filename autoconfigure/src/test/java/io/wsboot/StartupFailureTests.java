package io.wsboot;

import io.wsboot.autoconfigure.CustomWebSocketServerConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests of the failure analyses that a real application prints when wsboot cannot give it
 * a WebSocket endpoint, rather than start without one.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTests {

	@Test
	void servletApplicationFailsToStartAndSaysWhatToDo(CapturedOutput output) {
		// Spring MVC and Tomcat are on the test classpath: without a web application
		// type set, the application is a servlet one
		assertThatException().isThrownBy(
				() -> new SpringApplicationBuilder(TestApplication.class).properties("server.port=0").run().close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("but this application is a servlet web application (Spring MVC)")
			.contains("Use spring-boot-starter-webflux instead of spring-boot-starter-web")
			.contains("spring.main.web-application-type=reactive")
			.doesNotContain("Tomcat started");
	}

	@Test
	void servletApplicationStartsWithoutWsbootWhenDisabled(CapturedOutput output) {
		new SpringApplicationBuilder(TestApplication.class).properties("server.port=0", "wsboot.enabled=false")
			.run()
			.close();
		assertThat(output).doesNotContain("APPLICATION FAILED TO START");
	}

	@Test
	void applicationWebSocketServerFailsToStartAndSaysWhatToDo(CapturedOutput output) {
		assertThatException().isThrownBy(
				() -> new SpringApplicationBuilder(TestApplication.class, CustomWebSocketServerConfiguration.class)
					.web(WebApplicationType.REACTIVE)
					.properties("server.port=0")
					.run()
					.close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The application defines the WebSocketServer bean 'customWebSocketServer'")
			.contains("Remove the application's WebSocketServer bean");
	}

	@Test
	void clusterWithoutRedisFailsToStartAndSaysWhatToDo(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "wsboot.cluster.enabled=true",
					"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration,"
							+ "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration")
			.run()
			.close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("but there is no ReactiveRedisConnectionFactory bean")
			.contains("set wsboot.cluster.enabled=false");
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
