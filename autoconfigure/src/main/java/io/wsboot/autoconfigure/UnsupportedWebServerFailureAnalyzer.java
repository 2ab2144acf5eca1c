package io.wsboot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnsupportedWebServerException}.
 */
class UnsupportedWebServerFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedWebServerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedWebServerException cause) {
		return switch (cause.getKind()) {
			case SERVLET -> new FailureAnalysis(
					"wsboot's WebSocket endpoint needs Spring WebFlux on Reactor Netty, "
							+ "but this application is a servlet web application (Spring MVC).",
					"Use spring-boot-starter-webflux instead of spring-boot-starter-web, or set "
							+ "spring.main.web-application-type=reactive (Spring MVC controllers are then not "
							+ "served), or set wsboot.enabled=false to run the application without wsboot.",
					cause);
			case REACTIVE_SERVER -> new FailureAnalysis(
					"wsboot's WebSocket endpoint needs Spring WebFlux on Reactor "
							+ "Netty, but this reactive web application runs on " + cause.getServer() + ".",
					"Run the application on Reactor Netty, the server of spring-boot-starter-webflux (remove the "
							+ "other server's starter, or the exclusion of spring-boot-starter-reactor-netty), or "
							+ "set wsboot.enabled=false to run the application without wsboot.",
					cause);
		};
	}

}
