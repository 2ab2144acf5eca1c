package io.wsboot.autoconfigure;

import java.util.Set;

import io.wsboot.autoconfigure.WsbootProperties.Compression;
import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

/**
 * Converts the deprecated switch {@code wsboot.compression=true|false} (a string or, from
 * YAML, a boolean) to the {@link Compression} settings with {@code enabled} set, so that
 * it keeps working beside {@code wsboot.compression.*}. When the switch is set, the other
 * {@code wsboot.compression.*} properties are not read.
 */
final class CompressionSwitchConverter implements GenericConverter {

	@Override
	public Set<ConvertiblePair> getConvertibleTypes() {
		return Set.of(new ConvertiblePair(String.class, Compression.class),
				new ConvertiblePair(Boolean.class, Compression.class));
	}

	@Override
	public @Nullable Object convert(@Nullable Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
		if (source == null) {
			return null;
		}
		String value = source.toString().trim();
		if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
			throw new IllegalArgumentException(
					"wsboot.compression must be true or false, or set through wsboot.compression.enabled, not '" + value
							+ "'");
		}
		Compression compression = new Compression();
		compression.setEnabled(Boolean.parseBoolean(value));
		return compression;
	}

}
