package io.wsboot.autoconfigure;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.netty.channel.ChannelHandler;
import io.wsboot.actuate.WebSocketEndpoint.ClusterDescriptor;
import io.wsboot.actuate.WebSocketEndpoint.ConnectionDescriptor;
import io.wsboot.actuate.WebSocketEndpoint.WebSocketDescriptor;
import io.wsboot.cluster.ClusterNode;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.web.context.reactive.AnnotationConfigReactiveWebApplicationContext;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.type.filter.AssignableTypeFilter;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsbootRuntimeHints}.
 */
class WsbootRuntimeHintsTests {

	private static final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	@Test
	void registersBindingOfTheProperties() {
		RuntimeHints hints = registeredHints();
		assertThat(reflection.onType(WsbootProperties.class)).accepts(hints);
		assertThat(reflection.onMethodInvocation(WsbootProperties.class, "setPath")).accepts(hints);
		assertThat(reflection.onMethodInvocation(WsbootProperties.class, "setMaxFrameSize")).accepts(hints);
		assertThat(reflection.onMethodInvocation(WsbootProperties.class, "setListenerExecution")).accepts(hints);
	}

	@Test
	void registersTheEndpointDescriptorsForJackson() {
		RuntimeHints hints = registeredHints();
		for (Class<?> descriptor : List.of(WebSocketDescriptor.class, ConnectionDescriptor.class,
				ClusterDescriptor.class, ClusterNode.class)) {
			assertThat(reflection.onType(descriptor)).accepts(hints);
			for (var component : descriptor.getRecordComponents()) {
				assertThat(reflection.onMethodInvocation(component.getAccessor()))
					.as("%s.%s()", descriptor.getSimpleName(), component.getName())
					.accepts(hints);
			}
		}
	}

	@Test
	void registersEveryChannelHandlerOfTheEngine() {
		RuntimeHints hints = registeredHints();
		Set<String> handlers = channelHandlersOf("io.wsboot");
		assertThat(handlers).as("channel handlers found by scanning").isNotEmpty();
		assertThat(new TreeSet<>(WsbootRuntimeHints.CHANNEL_HANDLERS)).isEqualTo(handlers);
		for (String handler : handlers) {
			assertThat(reflection.onType(TypeReference.of(handler))).as(handler).accepts(hints);
		}
	}

	@Test
	void autoConfigurationContributesTheHintsWhenProcessedAheadOfTime() {
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get("com.example", "AotTest")), new InMemoryGeneratedFiles());
		try (AnnotationConfigReactiveWebApplicationContext context = new AnnotationConfigReactiveWebApplicationContext()) {
			context.register(WsbootAutoConfiguration.class);
			new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
		}
		RuntimeHints hints = generationContext.getRuntimeHints();
		assertThat(reflection.onType(WebSocketDescriptor.class)).accepts(hints);
		assertThat(reflection.onType(TypeReference.of(WsbootRuntimeHints.CHANNEL_HANDLERS.get(0)))).accepts(hints);
		assertThat(reflection.onMethodInvocation(WsbootProperties.class, "setPath")).accepts(hints);
	}

	private static RuntimeHints registeredHints() {
		RuntimeHints hints = new RuntimeHints();
		new WsbootRuntimeHints().registerHints(hints, WsbootRuntimeHintsTests.class.getClassLoader());
		return hints;
	}

	private static Set<String> channelHandlersOf(String basePackage) {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {

			@Override
			protected boolean isCandidateComponent(
					org.springframework.beans.factory.annotation.AnnotatedBeanDefinition beanDefinition) {
				return beanDefinition.getMetadata().isConcrete() && beanDefinition.getMetadata().isIndependent();
			}

		};
		scanner.addIncludeFilter(new AssignableTypeFilter(ChannelHandler.class));
		return scanner.findCandidateComponents(basePackage)
			.stream()
			.map(BeanDefinition::getBeanClassName)
			.collect(Collectors.toCollection(TreeSet::new));
	}

}
