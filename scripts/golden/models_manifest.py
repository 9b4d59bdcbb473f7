"""Which model each corpus file builds, with what arguments, on what input.

One entry per golden file. `file` is relative to test/fixtures/models. `args` is the Python
source of the call arguments (the CLI's --args, unless `args_in_code` says that the file itself
calls the entry with them, as a training script does). `input` is the shape the file itself states,
by a `# conv-lens: input=(...)` comment or by code that feeds the model; it is repeated here so
the generator does not have to read either. `mode` says how the golden is made:
  torch   build the model and run it (errors are recorded as PyTorch raised them);
  prefix  the file has a syntax error: run the source up to the broken statement;
  hand    no PyTorch golden is possible (symbolic layers): the JSON file is written by hand.
"""

CORPUS = [
    dict(name='vgg_cfg', file='vgg_cfg.py', entry='VGG', args="'VGG11'", input=[1, 3, 32, 32]),
    dict(name='vgg16_cfg', file='vgg_cfg.py', entry='VGG', args="'VGG16', num_classes=100", input=[1, 3, 32, 32]),
    dict(name='resnet_cifar', file='resnet_cifar.py', entry='ResNet18', args='', input=[2, 3, 32, 32]),
    dict(name='resnet50_cifar', file='resnet50_cifar.py', entry='ResNet50', args='', input=[1, 3, 32, 32]),
    dict(name='resnext_cifar', file='resnext_cifar.py', entry='ResNeXt29_2x64d', args='', input=[1, 3, 32, 32]),
    dict(name='mobilenet_v1', file='mobilenet_v1.py', entry='MobileNet', args='', input=[1, 3, 32, 32]),
    dict(name='mobilenet_v2', file='mobilenet_v2.py', entry='MobileNetV2', args='', input=[1, 3, 32, 32]),
    dict(name='mobilenet_v3', file='mobilenet_v3.py', entry='mobilenetv3_small', args='', input=[1, 3, 224, 224]),
    dict(name='shufflenet_v1', file='shufflenet_v1.py', entry='ShuffleNetG3', args='', input=[1, 3, 32, 32]),
    dict(name='shufflenet_v2', file='shufflenet_v2.py', entry='ShuffleNetV2', args='', input=[1, 3, 32, 32]),
    dict(name='efficientnet_b0', file='efficientnet_b0.py', entry='efficientnet_b0', args='', input=[1, 3, 224, 224]),
    dict(name='regnet_style', file='regnet_style.py', entry='regnetx_200mf', args='', input=[1, 3, 224, 224]),
    dict(name='seq_ordereddict', file='seq_ordereddict.py', entry='TinyNet', args='', input=[4, 1, 28, 28]),
    dict(name='modulelist_dict', file='modulelist_dict.py', entry='MultiHeadNet', args='', input=[2, 3, 64, 64]),
    dict(name='partial_convs', file='partial_convs.py', entry='PartialNet', args='', input=[1, 3, 32, 32]),
    dict(name='audio_conv1d', file='audio_conv1d.py', entry='KeywordSpotter', args='', input=[2, 1, 16000]),
    dict(name='text_cnn', file='text_cnn.py', entry='ConvEncoder', args='', input=[8, 128, 50]),
    dict(name='video_c3d', file='video_c3d.py', entry='C3D', args='', input=[1, 3, 8, 56, 56]),
    dict(name='dcgan', file='dcgan.py', entry='Generator', args='', input=[2, 100, 1, 1]),
    dict(name='dcgan_discriminator', file='dcgan.py', entry='Discriminator', args='', input=[2, 3, 64, 64]),
    dict(name='conv_autoencoder', file='conv_autoencoder.py', entry='AutoEncoder', args='', input=[8, 1, 28, 28]),
    dict(name='lazy_convs', file='lazy_convs.py', entry='LazyNet', args='', input=[1, 3, 48, 48]),
    dict(name='functional_conv', file='functional_conv.py', entry='FunctionalNet', args='', input=[1, 3, 32, 32]),
    dict(name='groups_zoo', file='groups_zoo.py', entry='GroupsZoo', args='', input=[1, 16, 28, 28]),
    dict(name='inception_style', file='inception_style.py', entry='InceptionTail', args='', input=[1, 768, 17, 17]),
    dict(name='densenet_style', file='densenet_style.py', entry='densenet_cifar', args='', input=[1, 3, 32, 32]),
    dict(name='vocoder_upsampler', file='vocoder_upsampler.py', entry='Upsampler', args='', input=[1, 80, 32]),
    dict(name='volume_decoder', file='vocoder_upsampler.py', entry='VolumeDecoder', args='', input=[1, 64, 4, 4, 4]),
    dict(name='timm_style', file='timm_style.py', entry='TimmLikeNet', args='', input=[1, 3, 96, 96]),
    dict(name='generic_dims', file='generic_dims.py', entry='TinySegNet', args='', input=[1, 1, 16, 32, 32]),
    dict(name='inheritance', file='inheritance.py', entry='Segmenter', args='', input=[1, 4, 64, 64]),
    dict(name='torchvision_resnext', file='torchvision_resnext.py', entry='deeplab_backbone', args='', input=[1, 3, 224, 224]),
    dict(name='hifigan_style', file='hifigan_style.py', entry='Generator', args='', input=[1, 80, 16]),
    dict(name='densenet_torchvision', file='densenet_torchvision.py', entry='DenseNet', args='', input=[1, 3, 64, 64]),
    dict(name='unicode_names', file='unicode_names.py', entry='Zweige', args='', input=[1, 3, 16, 16]),
    dict(name='squeezenet', file='squeezenet.py', entry='SqueezeNet', args='', input=[1, 3, 227, 227]),
    dict(name='espcn', file='espcn_fpn.py', entry='ESPCN', args='', input=[1, 1, 24, 24]),
    dict(name='tiny_fpn', file='espcn_fpn.py', entry='TinyFPN', args='', input=[2, 3, 64, 64]),
    dict(name='config_styles', file='config_styles.py', entry='ConfiguredNet', args='', input=[1, 3, 48, 48]),
    dict(name='transfer_style', file='transfer_style.py', entry='Segmentation', args='', input=[1, 3, 128, 128]),
    dict(name='torchvision_mobilenet_v2', file='torchvision_mobilenet_v2.py', entry='mobilenet_v2_075', args='', input=[1, 3, 160, 160]),
    dict(name='model_surgery', file='model_surgery.py', entry='grayscale_features', args='', input=[2, 1, 64, 64]),
    dict(name='convnext', file='convnext_vit.py', entry='ConvNeXt', args='', input=[1, 3, 64, 64]),
    dict(name='vit_patch_embed', file='convnext_vit.py', entry='PatchEmbed', args='', input=[2, 3, 224, 224]),
    dict(name='shared_head', file='shared_head.py', entry='TinyDetector', args='', input=[1, 3, 128, 128],
         comment='The head convs run once per pyramid level: each layer shows its first call, and '
                 'totals.conv_macs is the forward pass, every call counted (63,000,576; first calls '
                 'alone sum to 48,807,936).'),
    dict(name='project_resnet', file='project_resnet/models/net.py', entry='SmallResNet', args='', input=[1, 3, 64, 64]),
    dict(name='unet_project', file='unet_project/unet/model.py', entry='UNet', args='', input=[1, 3, 64, 64]),
    dict(name='unet_train', file='unet_project/train.py', entry='UNet', args='n_channels=1, n_classes=3, base=8', input=[2, 1, 96, 96],
         args_in_code=True),
    dict(name='err_groups', file='err_groups.py', entry='BadGroups', args='', input=[1, 3, 32, 32]),
    dict(name='err_float_channels', file='err_float_channels.py', entry='Net', args='', input=[1, 64, 16, 16]),
    dict(name='err_channel_mismatch', file='err_channel_mismatch.py', entry='Net', args='', input=[1, 3, 32, 32]),
    dict(name='err_kernel_too_big', file='err_kernel_too_big.py', entry='Shrinker', args='', input=[1, 3, 16, 16]),
    dict(name='err_same_stride', file='err_same_stride.py', entry='SameStride', args='', input=[1, 3, 64, 64]),
    dict(name='err_conv1d_rank', file='err_conv1d_rank.py', entry='WaveEncoder', args='', input=[4, 1, 80, 200]),
    dict(name='err_output_padding', file='err_output_padding.py', entry='Decoder', args='', input=[1, 64, 8, 8]),
    dict(name='err_unet_concat', file='err_unet_concat.py', entry='SmallUNet', args='', input=[1, 3, 32, 32]),
    dict(name='err_padding_mode', file='err_padding_mode.py', entry='Stylizer', args='', input=[1, 3, 32, 32]),
    dict(name='err_out_groups', file='err_out_groups.py', entry='Mixer', args='', input=[1, 32, 16, 16]),
    dict(name='half_typed', file='half_typed.py', entry='Intact', args='', input=[1, 3, 32, 32], mode='prefix'),
    dict(name='half_typed_call', file='half_typed_call.py', entry='Encoder', args='', input=[1, 1, 28, 28], mode='prefix'),
    dict(name='symbolic_dwsep', file='symbolic_dwsep.py', entry='depthwise_separable_conv', args='', input=None, mode='hand'),
]
