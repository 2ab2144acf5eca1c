package io.wsboot.autoconfigure;

import java.util.List;

import io.wsboot.actuate.WebSocketEndpoint;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * The runtime hints wsboot needs where the application is processed ahead of time (Spring
 * AOT, GraalVM native images): what it reaches by reflection rather than by direct calls.
 * <ul>
 * <li>{@link WsbootProperties}, bound from {@code wsboot.*} through its setters.</li>
 * <li>The records the {@code websocket} Actuator endpoint returns, written as JSON by
 * Jackson through their accessors.</li>
 * <li>wsboot's Netty channel handlers: Netty looks their public methods up by reflection
 * to skip the ones a handler does not override (as Reactor Netty's own metadata does for
 * its handlers).</li>
 * </ul>
 *
 * @since 0.1.0
 */
public class WsbootRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * The Netty channel handlers of {@code io.wsboot} that wsboot adds to pipelines.
	 */
	static final List<String> CHANNEL_HANDLERS = List.of("io.wsboot.connection.InboundFrameHandler",
			"io.wsboot.connection.ExtensionRsvValidator",
			"io.wsboot.handshake.HandshakeTimeoutCustomizer$TimeoutHandler", "io.wsboot.connection.WsbootFrameDecoder");

	private static final String ACTUATOR_ENDPOINT = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(WsbootProperties.class).registerHints(hints, classLoader);
		if (ClassUtils.isPresent(ACTUATOR_ENDPOINT, classLoader)) {
			new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(),
					WebSocketEndpoint.WebSocketDescriptor.class, WebSocketEndpoint.ConnectionDescriptor.class);
		}
		for (String handler : CHANNEL_HANDLERS) {
			hints.reflection().registerType(TypeReference.of(handler));
		}
	}

}
